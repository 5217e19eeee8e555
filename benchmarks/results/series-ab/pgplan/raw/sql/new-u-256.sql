\set b random(1, 300)
SELECT * FROM level_mutex_commit_u(1, gen_random_uuid(), gen_random_uuid(), (SELECT array_agg(convert_to('new' || nextval('newkey'), 'UTF8')) FROM generate_series(1, 256)), (SELECT v FROM args WHERE n = 256 AND b = :b), '{}','{}','{}','{}','{}','{}','{}','{}','{}');
