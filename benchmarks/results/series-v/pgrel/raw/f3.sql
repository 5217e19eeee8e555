\set ks random(1,8)
\set k random(1,2000)
SELECT f3(:ks, :k) AS held \gset
\if :held
SELECT pg_logical_emit_message(true,'level-mutex','');
\endif
