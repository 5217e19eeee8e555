CREATE OR REPLACE FUNCTION bk(n int, range int DEFAULT 100000) RETURNS bytea[] LANGUAGE sql VOLATILE AS $f$
  SELECT array_agg(convert_to('key' || lpad(((o + g * 389) % range)::text, 8, '0'), 'SQL_ASCII') ORDER BY g)
  FROM (SELECT (random() * range)::int AS o) r, generate_series(1, n) g $f$;
CREATE OR REPLACE FUNCTION bv(n int) RETURNS bytea[] LANGUAGE sql VOLATILE AS $f$
  SELECT array_agg(decode(repeat(md5(random()::text), 3) || 'abcdef01', 'hex')) FROM generate_series(1, n) $f$;
