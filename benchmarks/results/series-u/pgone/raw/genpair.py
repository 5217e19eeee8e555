def body(f, tags):
    out = []; i = 0
    for l in open(f).read().splitlines():
        if l.startswith('\\set k '): continue
        if l.startswith('SELECT * FROM level_mutex_commit') or l.startswith('WITH p') or l.startswith('INSERT INTO kv') or l.startswith('UPDATE jpa') or l.startswith('SELECT v, version'):
            l = '/* %s */ ' % tags[i] + l; i += 1
        out.append(l)
    return out
hdr = ['\\set k random(0, 999)']
open('pair-put.sql','w').write('\n'.join(hdr + body('f-put.sql', ['F-PUT']) + body('s-put.sql', ['S-PUT'])) + '\n')
open('pair-del.sql','w').write('\n'.join(hdr + body('f-del.sql', ['f-put-before-del', 'F-DEL']) + body('s-del.sql', ['s-put-before-del', 'S-DEL'])) + '\n')
open('pair-upd.sql','w').write('\n'.join(hdr + body('f-upd.sql', ['F-UPD']) + body('s-upd.sql', ['S-UPD'])) + '\n')
open('pair-yard.sql','w').write('\n'.join(hdr + body('u-put.sql', ['U-PUT']) + body('jpa.sql', ['JPA-SELECT', 'JPA-UPDATE'])) + '\n')
