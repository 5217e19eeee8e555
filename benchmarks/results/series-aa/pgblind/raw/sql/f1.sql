\set b random(1, 300)
SELECT * FROM level_mutex_commit(2, gen_random_uuid(), gen_random_uuid(), (select k from args where b = :b), (select v from args where b = :b), '{}','{}','{}','{}','{}','{}','{}','{}','{}');
