\set b random(1, 300)
SELECT * FROM level_mutex_commit_p(1, gen_random_uuid(), gen_random_uuid(), (SELECT k FROM args WHERE n = 85 AND b = :b), (SELECT v FROM args WHERE n = 85 AND b = :b), '{}','{}','{}','{}','{}','{}','{}','{}','{}');
