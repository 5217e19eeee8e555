import re
tmpl = open('one2.tmpl').read().strip().rstrip(';')
VAL = "decode(repeat('01',100),'hex')"
NODE = "'00000000-0000-0000-0000-000000000001'"
def stmt(value_expr, snap_expr, read_expr):
    s = tmpl
    for p, v in [('P1', '(1)'), ('P2', 'gen_random_uuid()'), ('P3', NODE), ('P4', 'int4send(:k)'),
                 ('P5', value_expr), ('P6', snap_expr), ('P7', read_expr)]:
        s = s.replace(p, v)
    return ' '.join(s.split()) + ';'
# values as runtime expressions of pgbench variables, so the prepared statement keeps them parameters (as JDBC)
put_v = f"(CASE WHEN :isdel = 1 THEN NULL ELSE {VAL} END)"
nosnap = "(CASE WHEN :isupd = 1 THEN :snap::bigint END)"
noread = "(CASE WHEN :isupd = 1 THEN int4send(:k) END)"
def fn(values, upd):
    if not upd:
        return (f"SELECT * FROM level_mutex_commit(1, gen_random_uuid(), {NODE}::uuid, ARRAY[int4send(:k)], ARRAY[{values}]::bytea[], "
                "'{}'::int[], '{}'::bigint[], '{}'::int[], '{}'::boolean[], '{}'::bytea[], '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]);")
    return (f"SELECT * FROM level_mutex_commit(1, gen_random_uuid(), {NODE}::uuid, ARRAY[int4send(:k)], ARRAY[{values}]::bytea[], "
            "ARRAY[0], ARRAY[:snap::bigint], ARRAY[0,0], ARRAY[true,false], ARRAY[int4send(:k), int4send(:k)], '{}'::int[], '{}'::bytea[], '{}'::bytea[], '{}'::boolean[]);")
hdr = "\\set k random(0, 999)\n"
open('f-put.sql','w').write(hdr + fn(VAL, False) + "\n")
open('f-del.sql','w').write(hdr + fn(VAL, False) + "\n" + fn("(CASE WHEN :k >= 0 THEN NULL END)::bytea", False) + "\n")
open('f-upd.sql','w').write(hdr + "SELECT seq AS snap FROM level_mutex_keyspace WHERE id = 1 \\gset\n" + fn(VAL, True) + "\n")
open('s-put.sql','w').write(hdr + "\\set isdel 0\n\\set isupd 0\n\\set snap 0\n" + stmt(put_v, nosnap, noread) + "\n")
open('s-del.sql','w').write(hdr + "\\set isupd 0\n\\set snap 0\n\\set isdel 0\n" + stmt(put_v, nosnap, noread).replace(':isdel', ':isdel0') + "\n\\set isdel 1\n" + stmt(put_v, nosnap, noread) + "\n")
open('s-upd.sql','w').write(hdr + "\\set isdel 0\n\\set isupd 1\nSELECT seq AS snap FROM level_mutex_keyspace WHERE id = 1 \\gset\n" + stmt(put_v, nosnap, noread) + "\n")
open('u-put.sql','w').write(hdr + f"INSERT INTO kv (k, v) VALUES (int4send(:k), {VAL}) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;\n")
open('jpa.sql','w').write(hdr + "BEGIN;\nSELECT v, version FROM jpa WHERE id = :k \\gset\n" + f"UPDATE jpa SET v = {VAL}, version = version + 1 WHERE id = :k AND version = :version;\nCOMMIT;\n")
