\set ks random(1,8)
\set k random(1,2000)
CALL p2(:ks, :k, NULL);
