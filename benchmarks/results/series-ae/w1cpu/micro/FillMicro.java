import org.rocksdb.*;
public class FillMicro {
  static byte[][] keys = new byte[256][], vals = new byte[256][];
  static int varlen(int v){int n=1; while((v>>>=7)!=0) n++; return n;}
  static int putVar(byte[] b,int p,int v){ while((v & ~0x7F)!=0){ b[p++]=(byte)((v&0x7F)|0x80); v>>>=7;} b[p++]=(byte)v; return p;}
  static byte[] serialize(int cf){
    int size=12;
    for(int i=0;i<256;i++){ size+=1+(cf!=0?varlen(cf):0)+varlen(keys[i].length)+keys[i].length+varlen(vals[i].length)+vals[i].length; }
    byte[] b=new byte[size]; int p=8; b[p++]=(byte)256; b[p++]=(byte)(256>>8); b[p++]=0; b[p++]=0;
    for(int i=0;i<256;i++){ if(cf==0) b[p++]=1; else { b[p++]=5; p=putVar(b,p,cf);} p=putVar(b,p,keys[i].length); System.arraycopy(keys[i],0,b,p,keys[i].length); p+=keys[i].length; p=putVar(b,p,vals[i].length); System.arraycopy(vals[i],0,b,p,vals[i].length); p+=vals[i].length; }
    return b;
  }
  static byte[] serializeKV(byte[][] ks, byte[][] vs){
    int size=12; for(int i=0;i<256;i++) size+=1+varlen(ks[i].length)+ks[i].length+varlen(vs[i].length)+vs[i].length;
    byte[] b=new byte[size]; int p=8; b[p++]=(byte)256; b[p++]=(byte)(256>>8); b[p++]=0; b[p++]=0;
    for(int i=0;i<256;i++){ b[p++]=1; p=putVar(b,p,ks[i].length); System.arraycopy(ks[i],0,b,p,ks[i].length); p+=ks[i].length; p=putVar(b,p,vs[i].length); System.arraycopy(vs[i],0,b,p,vs[i].length); p+=vs[i].length; }
    return b;
  }
  public static void main(String[] a) throws Exception {
    RocksDB.loadLibrary();
    for(int i=0;i<256;i++){ keys[i]=String.format("key%08d",i*37).getBytes(); vals[i]=new byte[100]; vals[i][3]=(byte)i; }
    WriteBatch reuse=new WriteBatch();
    // check equality
    for(int i=0;i<256;i++) reuse.put(keys[i],vals[i]);
    byte[] ref=reuse.data(); byte[] mine=serialize(0);
    System.out.println("equal default cf: "+java.util.Arrays.equals(ref,mine)+" "+ref.length+" "+mine.length);
    reuse.clear();
    for(int round=0;round<5;round++){
      long t0=System.nanoTime(); long cpu0=0;
      for(int n=0;n<20000;n++){ for(int i=0;i<256;i++) reuse.put(keys[i],vals[i]); reuse.clear(); }
      long t1=System.nanoTime();
      for(int n=0;n<20000;n++){ byte[] b=serialize(0); WriteBatch wb=new WriteBatch(b); wb.close(); }
      long t2=System.nanoTime();
      for(int n=0;n<20000;n++){ byte[] b=serialize(0); }
      long t3=System.nanoTime();
      System.out.printf("per entry: jni put %.3f us, serialized+new %.3f us, serialize only %.3f us%n",(t1-t0)/1e3/20000/256,(t2-t1)/1e3/20000/256,(t3-t2)/1e3/20000/256);
    }
  }
}
