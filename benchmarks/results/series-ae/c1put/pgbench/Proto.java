import com.zaxxer.hikari.*;
import io.levelmutex.*;
import io.levelmutex.codec.Codecs;
import io.levelmutex.postgres.PostgresStore;
import java.sql.*;
public class Proto {
  public static void main(String[] a) throws Exception {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:postgresql://127.0.0.1:55493/" + a[0]); c.setUsername("postgres"); c.setMaximumPoolSize(2); c.setMinimumIdle(2);
    try (HikariDataSource pool = new HikariDataSource(c)) {
      MutexStore store = PostgresStore.builder(pool).open();
      Mutex<byte[], byte[]> m = store.mutex(MutexOptions.builder("proto").build(), Codecs.bytes(), Codecs.bytes());
      BlockingMutex<byte[], byte[]> b = m.blocking();
      for (int i = 0; i < 20; i++) b.put(new byte[] {(byte) (i % 3)}, new byte[100]);
      try (Connection x = pool.getConnection(); Statement s = x.createStatement()) { s.execute("SELECT 'MARK-START'"); }
      for (int i = 0; i < 10; i++) b.put(new byte[] {(byte) (i % 3)}, new byte[100]);
      try (Connection x = pool.getConnection(); Statement s = x.createStatement()) { s.execute("SELECT 'MARK-END'"); }
      m.close(); store.close();
    }
  }
}
