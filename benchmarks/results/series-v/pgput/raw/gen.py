# Contenders for the one-write commit of a blind put (pgbench scripts); {B} batch table, {ID} batch id variable.
P = "p AS NOT MATERIALIZED ( SELECT (1)::int AS ks, :{ID}::uuid AS batch, '00000000-0000-0000-0000-000000000001'::uuid AS node, int4send(:k)::bytea AS key, decode(repeat('01',100),'hex')::bytea AS value, (NULL)::bigint AS snap, (NULL)::bytea AS read )"
FULL_HEAD = P + ", s AS MATERIALIZED ( SELECT k.seq AS current, k.horizon FROM p, level_mutex_keyspace k WHERE k.id = p.ks ), r AS MATERIALIZED ( SELECT CASE WHEN p.snap IS NULL THEN NULL WHEN p.snap > s.current THEN 'FUTURE_SNAPSHOT' WHEN p.snap < s.horizon THEN 'SNAPSHOT_TOO_OLD' WHEN EXISTS (SELECT FROM level_mutex_entry e WHERE e.keyspace_id = p.ks AND e.key = p.read AND e.seq > p.snap) THEN 'KEY_READ' WHEN EXISTS (SELECT FROM level_mutex_entry e WHERE e.keyspace_id = p.ks AND e.key = p.key AND e.seq > p.snap) THEN 'KEY_WRITTEN' END AS reason FROM p, s ), free AS MATERIALIZED ( SELECT k.id FROM p, r, level_mutex_keyspace k WHERE k.id = p.ks AND r.reason IS NULL FOR UPDATE OF k SKIP LOCKED ), k AS ( UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM p, s, free WHERE k.id = free.id AND (k.seq = s.current OR (p.value IS NOT NULL AND p.snap IS NULL)) RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable )"
UPSERT = "put AS ( INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) SELECT p.ks, p.key, p.value, k.seq FROM p, k WHERE p.value IS NOT NULL ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq )"
UPD_INS = "put_u AS ( UPDATE level_mutex_entry e SET value = p.value, seq = k.seq FROM p, k WHERE p.value IS NOT NULL AND e.keyspace_id = p.ks AND e.key = p.key RETURNING e.key ), put AS ( INSERT INTO level_mutex_entry AS e (keyspace_id, key, value, seq) SELECT p.ks, p.key, p.value, k.seq FROM p, k WHERE p.value IS NOT NULL AND NOT EXISTS (SELECT FROM put_u) ON CONFLICT (keyspace_id, key) DO UPDATE SET value = EXCLUDED.value, seq = EXCLUDED.seq )"
DEL = "del AS ( UPDATE level_mutex_entry e SET value = NULL, seq = k.seq FROM p, k WHERE p.value IS NULL AND e.keyspace_id = p.ks AND e.key = p.key AND e.value IS NOT NULL RETURNING e.keyspace_id, e.seq, e.key ), tombstone AS ( INSERT INTO level_mutex_tombstone (keyspace_id, seq, key) SELECT d.keyspace_id, d.seq, d.key FROM del d )"
LOG = "logged AS ( INSERT INTO {B} (batch_id, keyspace_id, seq, node_id, applied_ops, rejected_unit, rejected_reason, rejected_key) SELECT p.batch, p.ks, k.seq, p.node, 1, -1, NULL, NULL FROM p, k )"
FULL_TAIL = " SELECT k.seq, s.current, r.reason FROM s CROSS JOIN r LEFT JOIN k ON true"
PUT_HEAD = P + ", free AS MATERIALIZED ( SELECT k.id FROM p, level_mutex_keyspace k WHERE k.id = p.ks FOR UPDATE OF k SKIP LOCKED ), k AS ( UPDATE level_mutex_keyspace k SET seq = k.seq + 1 FROM free WHERE k.id = free.id RETURNING k.seq, set_config('synchronous_commit', 'on', true) AS durable )"
PUT_TAIL = " SELECT k.seq, NULL::bigint, NULL::text FROM (SELECT) x LEFT JOIN k ON true"
def full(B, ID, put=UPSERT): return "WITH " + FULL_HEAD + ", " + put + ", " + DEL + ", " + LOG.format(B=B) + FULL_TAIL
def putonly(B, ID, put=UPSERT): return "WITH " + PUT_HEAD + ", " + put + ", " + LOG.format(B=B) + PUT_TAIL
V = {
 'cur':  lambda: full('level_mutex_batch', 'r1').replace('{ID}', 'r1'),
 'put':  lambda: putonly('batch_p', 'r2').replace('{ID}', 'r2'),
 'ord':  lambda: full('batch_o', 'o2').replace('{ID}', 'o2'),
 'one':  lambda: full('batch_1', 'r2').replace('{ID}', 'r2'),
 'upd':  lambda: full('batch_u', 'r2', UPD_INS).replace('{ID}', 'r2'),
 'best': lambda: putonly('batch_b', 'o2', UPD_INS).replace('{ID}', 'o2'),
 'best1': lambda: putonly('batch_b1', 'o2', UPD_INS).replace('{ID}', 'o2'),
}
HDR = ["\\set k random(0, 999)", "SELECT gen_random_uuid() AS r1, gen_random_uuid() AS r2, (lpad(to_hex((extract(epoch from clock_timestamp()) * 1000000)::bigint), 16, '0') || substr(md5(random()::text), 1, 16))::uuid AS o2 \\gset"]
import sys
for b in ['put', 'ord', 'one', 'upd', 'best', 'best1']:
    a = 'cur'
    for name, order in (('ab', [a, b]), ('ba', [b, a])):
        open('pair-%s-%s.sql' % (b, name), 'w').write('\n'.join(HDR + ['/* %s */ %s;' % (x.upper(), V[x]()) for x in order]) + '\n')
for x in V:
    open('one-%s.sql' % x, 'w').write('\n'.join(HDR + ['/* %s */ %s;' % (x.upper(), V[x]())]) + '\n')
V['po'] = lambda: putonly('batch_po', 'o2').replace('{ID}', 'o2')
for b in ['po']:
    for name, order in (('ab', ['cur', b]), ('ba', [b, 'cur'])):
        open('pair-%s-%s.sql' % (b, name), 'w').write('\n'.join(HDR + ['/* %s */ %s;' % (x.upper(), V[x]()) for x in order]) + '\n')
    open('one-%s.sql' % b, 'w').write('\n'.join(HDR + ['/* %s */ %s;' % (b.upper(), V[b]())]) + '\n')
