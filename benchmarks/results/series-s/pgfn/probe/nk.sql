CREATE OR REPLACE FUNCTION nk(n int) RETURNS bytea[] LANGUAGE sql VOLATILE AS $f$
  SELECT array_agg(convert_to('new' || lpad((random() * 1e14)::bigint::text, 14, '0'), 'SQL_ASCII')) FROM generate_series(1, n) $f$;
