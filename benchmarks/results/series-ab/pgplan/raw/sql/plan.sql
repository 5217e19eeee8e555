-- usage: psql -v fn=level_mutex_commit_b -v ks=2 -v n=256 -f plan.sql : the apply statement's plan (auto_explain, nested statements)
LOAD 'auto_explain';
SET auto_explain.log_min_duration = 0;
SET auto_explain.log_nested_statements = on;
SET auto_explain.log_analyze = on;
SET auto_explain.log_timing = off;
SET client_min_messages = log;
SELECT * FROM :fn(:ks, gen_random_uuid(), gen_random_uuid(),
    (SELECT array_agg(convert_to('key' || lpad((floor(random() * 20000))::int::text, 8, '0'), 'UTF8')) FROM generate_series(1, :n)),
    (SELECT array_agg(decode(repeat('ab', 100), 'hex')) FROM generate_series(1, :n)),
    '{}','{}','{}','{}','{}','{}','{}','{}','{}');
