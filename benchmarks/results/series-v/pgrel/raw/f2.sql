\set ks random(1,8)
\set k random(1,2000)
SELECT f2(:ks, :k);
