import org.rocksdb.*;
import java.lang.management.*;
public class WriteMicro {
  static byte[][] keys = new byte[256][], vals = new byte[256][];
  public static void main(String[] a) throws Exception {
    RocksDB.loadLibrary();
    boolean sync = a.length>0 && a[0].equals("durable");
    ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    java.util.Random r = new java.util.Random(1);
    String dir = java.nio.file.Files.createTempDirectory("wm").toString();
    try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, dir); WriteOptions wo = new WriteOptions().setSync(sync)) {
      byte[][] pool = new byte[100000][]; for (int i=0;i<pool.length;i++) pool[i]=String.format("key%08d", i).getBytes(); byte[] val=new byte[100];
      WriteBatch reuse = new WriteBatch();
      ColumnFamilyHandle cf = db.getDefaultColumnFamily();
      int n = sync ? 400 : 3000;
      for (int round=0; round<10; round++) {
        long[] cpu = new long[2]; long[] wall = new long[2];
        for (int mode : (round%2==0 ? new int[]{0,1} : new int[]{1,0})) {
          long c0 = tm.getCurrentThreadCpuTime(), w0=System.nanoTime();
          for (int it=0; it<n; it++) {
            for (int i=0;i<256;i++){ keys[i]=pool[r.nextInt(100000)]; vals[i]=val; }
            if (mode==0) { for (int i=0;i<256;i++) reuse.put(cf, keys[i], vals[i]); db.write(wo, reuse); reuse.clear(); }
            else { byte[] b = FillMicro.serializeKV(keys, vals); try (WriteBatch wb = new WriteBatch(b)) { db.write(wo, wb); } }
          }
          cpu[mode] += tm.getCurrentThreadCpuTime()-c0; wall[mode] += System.nanoTime()-w0;
        }
        System.out.printf("round %d: per entry cpu jni-put %.3f us, serialized %.3f us; wall %.3f / %.3f us%n", round, cpu[0]/1e3/n/256, cpu[1]/1e3/n/256, wall[0]/1e3/n/256, wall[1]/1e3/n/256);
      }
    }
  }
}
