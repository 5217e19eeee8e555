import sys, collections, re
path, cats = sys.argv[1], sys.argv[2].split(",")
c = collections.Counter(); comm=None; frames=[]
def flush():
    if comm is None: return
    if any(any(k in f for k in cats) for f in frames):
        java = [f for f in frames if ("io.levelmutex" in f or "java.util" in f or "Object." in f) ]
        key = comm.split()[0][:15] + " | " + " < ".join(re.sub(r"\(.*", "", j).split(" ")[-1] for j in java[:4])
        c[key] += 1
for line in open(path):
    if not line.strip():
        flush(); comm=None; frames=[]; continue
    if not line.startswith(("\t"," ")):
        comm=line.strip(); continue
    s=line.strip(); frames.append(s.split(" ",1)[1] if " " in s else s)
flush()
for k,v in c.most_common(int(sys.argv[3]) if len(sys.argv)>3 else 15): print(v,k)
