package dev.gloo.store.codec;

import dev.gloo.store.KeyValue;
import dev.gloo.store.RangeResult;
import dev.gloo.store.Txn;
import dev.gloo.store.TxnResult;
import dev.gloo.store.WatchEvent;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The binary forms the store writes: Raft log entries (transactions), replies, read requests,
 * and the records kept in RocksDB. Every form starts with a version byte so that a later
 * release can read what an earlier one wrote. Encoding is deterministic: the same value gives
 * the same bytes on every node.
 */
public final class Codec {
  private static final byte VERSION = 1;

  private static final byte COND_ABSENT = 1;
  private static final byte COND_PRESENT = 2;
  private static final byte COND_MOD_REVISION = 3;
  private static final byte OP_PUT = 1;
  private static final byte OP_DELETE = 2;

  private Codec() {}

  // ---- transactions (Raft log entries) ----

  public static byte[] encodeTxn(Txn txn) {
    Writer w = new Writer(64 + txnPayloadSize(txn));
    w.u8(VERSION);
    w.u32(txn.conditions().size());
    for (Txn.Condition c : txn.conditions()) {
      if (c instanceof Txn.Absent a) {
        w.u8(COND_ABSENT);
        w.string(a.key());
      } else if (c instanceof Txn.Present p) {
        w.u8(COND_PRESENT);
        w.string(p.key());
      } else if (c instanceof Txn.ModRevisionEquals m) {
        w.u8(COND_MOD_REVISION);
        w.string(m.key());
        w.u64(m.modRevision());
      }
    }
    w.u32(txn.ops().size());
    for (Txn.Op op : txn.ops()) {
      if (op instanceof Txn.Put p) {
        w.u8(OP_PUT);
        w.string(p.key());
        w.bytes(p.value());
      } else {
        w.u8(OP_DELETE);
        w.string(op.key());
      }
    }
    return w.toByteArray();
  }

  public static Txn decodeTxn(ByteBuffer in) {
    Reader r = new Reader(in);
    r.version();
    int nConditions = r.count();
    List<Txn.Condition> conditions = new ArrayList<>(nConditions);
    for (int i = 0; i < nConditions; i++) {
      byte type = r.u8();
      String key = r.string();
      conditions.add(switch (type) {
        case COND_ABSENT -> new Txn.Absent(key);
        case COND_PRESENT -> new Txn.Present(key);
        case COND_MOD_REVISION -> new Txn.ModRevisionEquals(key, r.u64());
        default -> throw new CodecException("unknown condition type " + type);
      });
    }
    int nOps = r.count();
    List<Txn.Op> ops = new ArrayList<>(nOps);
    for (int i = 0; i < nOps; i++) {
      byte type = r.u8();
      String key = r.string();
      ops.add(switch (type) {
        case OP_PUT -> new Txn.Put(key, r.bytes());
        case OP_DELETE -> new Txn.Delete(key);
        default -> throw new CodecException("unknown operation type " + type);
      });
    }
    r.end();
    return new Txn(conditions, ops);
  }

  /** Bytes of keys and values in the transaction, the figure the 3 MiB limit applies to. */
  public static int txnPayloadSize(Txn txn) {
    long size = 0;
    for (Txn.Condition c : txn.conditions()) {
      size += utf8Length(c.key());
    }
    for (Txn.Op op : txn.ops()) {
      size += utf8Length(op.key());
      if (op instanceof Txn.Put p) {
        size += p.value().length;
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, size);
  }

  public static byte[] encodeTxnResult(TxnResult result) {
    int size = 64;
    for (TxnResult.OpResult op : result.results()) {
      size += 3 * op.key().length() + kvSize(op.before()) + kvSize(op.after());
    }
    Writer w = new Writer(size + kvSize(result.current()));
    w.u8(VERSION);
    w.bool(result.succeeded());
    w.u64(result.revision());
    w.u32(result.results().size());
    for (TxnResult.OpResult op : result.results()) {
      w.string(op.key());
      optionalKv(w, op.before());
      optionalKv(w, op.after());
    }
    w.u32(result.failedCondition() + 1);
    optionalKv(w, result.current());
    return w.toByteArray();
  }

  public static TxnResult decodeTxnResult(ByteBuffer in) {
    Reader r = new Reader(in);
    r.version();
    boolean succeeded = r.bool();
    long revision = r.u64();
    int n = r.count();
    List<TxnResult.OpResult> results = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String key = r.string();
      Optional<KeyValue> before = optionalKv(r);
      Optional<KeyValue> after = optionalKv(r);
      results.add(new TxnResult.OpResult(key, before, after));
    }
    int failed = r.count() - 1;
    Optional<KeyValue> current = optionalKv(r);
    r.end();
    return new TxnResult(succeeded, revision, results, failed, current);
  }

  // ---- reads (Raft read-only queries) ----

  /** A read served through the state machine after a ReadIndex barrier. */
  public sealed interface ReadRequest permits Get, Revision {}

  public record Get(String key) implements ReadRequest {}

  public record Revision() implements ReadRequest {}

  public static byte[] encodeRead(ReadRequest request) {
    Writer w = new Writer(64);
    w.u8(VERSION);
    if (request instanceof Get g) {
      w.u8((byte) 1);
      w.string(g.key());
    } else {
      // Type 2 was a range; a range is now a revision barrier and then a local read.
      w.u8((byte) 3);
    }
    return w.toByteArray();
  }

  public static ReadRequest decodeRead(ByteBuffer in) {
    Reader r = new Reader(in);
    r.version();
    byte type = r.u8();
    ReadRequest request = switch (type) {
      case 1 -> new Get(r.string());
      case 3 -> new Revision();
      default -> throw new CodecException("unknown read type " + type);
    };
    r.end();
    return request;
  }

  public static byte[] encodeRange(RangeResult range) {
    int size = 32;
    for (KeyValue kv : range.items()) {
      size += 40 + kv.key().length() * 3 + kv.value().length;
    }
    Writer w = new Writer(size);
    w.u8(VERSION);
    w.u64(range.revision());
    w.u32(range.items().size());
    for (KeyValue kv : range.items()) {
      kv(w, kv);
    }
    w.bool(range.continueAfter().isPresent());
    range.continueAfter().ifPresent(w::string);
    return w.toByteArray();
  }

  public static RangeResult decodeRange(ByteBuffer in) {
    Reader r = new Reader(in);
    r.version();
    long revision = r.u64();
    int n = r.count();
    List<KeyValue> items = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      items.add(kv(r));
    }
    Optional<String> continueAfter = r.bool() ? Optional.of(r.string()) : Optional.empty();
    r.end();
    return new RangeResult(items, revision, continueAfter);
  }

  public static byte[] encodeLong(long value) {
    Writer w = new Writer(9);
    w.u8(VERSION);
    w.u64(value);
    return w.toByteArray();
  }

  public static long decodeLong(ByteBuffer in) {
    Reader r = new Reader(in);
    r.version();
    long value = r.u64();
    r.end();
    return value;
  }

  // ---- records kept in RocksDB ----

  /** A stored key's record: revisions and value (the key itself is the RocksDB key). */
  public static byte[] encodeRecord(KeyValue kv) {
    Writer w = new Writer(32 + kv.value().length);
    w.u8(VERSION);
    w.u64(kv.createRevision());
    w.u64(kv.modRevision());
    w.u64(kv.version());
    w.bytes(kv.value());
    return w.toByteArray();
  }

  public static KeyValue decodeRecord(String key, byte[] record) {
    Reader r = new Reader(ByteBuffer.wrap(record));
    r.version();
    long create = r.u64();
    long mod = r.u64();
    long version = r.u64();
    byte[] value = r.bytes();
    r.end();
    return new KeyValue(key, value, create, mod, version);
  }

  /** The events of one revision, with the wall time (millis) the local node applied them. */
  public record HistoryRecord(long appliedAtMillis, List<WatchEvent> events) {}

  public static byte[] encodeHistory(HistoryRecord record) {
    int size = 16;
    for (WatchEvent e : record.events()) {
      size += 48 + e.kv().key().length() * 3 + e.kv().value().length;
    }
    Writer w = new Writer(size);
    w.u8(VERSION);
    w.u64(record.appliedAtMillis());
    w.u32(record.events().size());
    for (WatchEvent e : record.events()) {
      w.u8((byte) e.type().ordinal());
      w.u64(e.revision());
      kv(w, e.kv());
    }
    return w.toByteArray();
  }

  public static HistoryRecord decodeHistory(byte[] bytes) {
    Reader r = new Reader(ByteBuffer.wrap(bytes));
    r.version();
    long at = r.u64();
    int n = r.count();
    List<WatchEvent> events = new ArrayList<>(n);
    WatchEvent.Type[] types = WatchEvent.Type.values();
    for (int i = 0; i < n; i++) {
      int type = r.u8();
      if (type < 0 || type >= types.length) {
        throw new CodecException("unknown event type " + type);
      }
      long revision = r.u64();
      events.add(new WatchEvent(types[type], kv(r), revision));
    }
    r.end();
    return new HistoryRecord(at, events);
  }

  // ---- helpers ----

  private static int kvSize(Optional<KeyValue> kv) {
    return kv.map(v -> 40 + 3 * v.key().length() + v.value().length).orElse(1);
  }

  private static void kv(Writer w, KeyValue kv) {
    w.string(kv.key());
    w.u64(kv.createRevision());
    w.u64(kv.modRevision());
    w.u64(kv.version());
    w.bytes(kv.value());
  }

  private static KeyValue kv(Reader r) {
    String key = r.string();
    long create = r.u64();
    long mod = r.u64();
    long version = r.u64();
    return new KeyValue(key, r.bytes(), create, mod, version);
  }

  private static void optionalKv(Writer w, Optional<KeyValue> kv) {
    w.bool(kv.isPresent());
    kv.ifPresent(v -> kv(w, v));
  }

  private static Optional<KeyValue> optionalKv(Reader r) {
    return r.bool() ? Optional.of(kv(r)) : Optional.empty();
  }

  public static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Thrown when bytes do not decode: a bug or corruption, never a user error. */
  public static final class CodecException extends RuntimeException {
    public CodecException(String message) {
      super(message);
    }
  }

  /** Big-endian writer over a growable array (cheaper than ByteBuffer for many small puts). */
  private static final class Writer {
    private byte[] buf;
    private int pos;

    Writer(int initialCapacity) {
      buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int n) {
      if (buf.length - pos < n) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }

    void u8(byte b) {
      ensure(1);
      buf[pos++] = b;
    }

    void bool(boolean b) {
      u8(b ? (byte) 1 : 0);
    }

    void u32(int v) {
      ensure(4);
      buf[pos++] = (byte) (v >>> 24);
      buf[pos++] = (byte) (v >>> 16);
      buf[pos++] = (byte) (v >>> 8);
      buf[pos++] = (byte) v;
    }

    void u64(long v) {
      u32((int) (v >>> 32));
      u32((int) v);
    }

    void bytes(byte[] b) {
      u32(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }

    void string(String s) {
      bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] toByteArray() {
      return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }
  }

  private static final class Reader {
    private final ByteBuffer buf;

    Reader(ByteBuffer buf) {
      this.buf = buf.slice();
    }

    void version() {
      byte v = u8();
      if (v != VERSION) {
        throw new CodecException("unsupported encoding version " + v);
      }
    }

    byte u8() {
      try {
        return buf.get();
      } catch (BufferUnderflowException e) {
        throw new CodecException("truncated record");
      }
    }

    boolean bool() { return u8() != 0; }

    long u64() {
      try {
        return buf.getLong();
      } catch (BufferUnderflowException e) {
        throw new CodecException("truncated record");
      }
    }

    int count() {
      int n;
      try {
        n = buf.getInt();
      } catch (BufferUnderflowException e) {
        throw new CodecException("truncated record");
      }
      if (n < 0) {
        throw new CodecException("negative count " + n);
      }
      return n;
    }

    byte[] bytes() {
      int n = count();
      if (n > buf.remaining()) {
        throw new CodecException("length " + n + " runs past the end of the record");
      }
      byte[] out = new byte[n];
      buf.get(out);
      return out;
    }

    String string() { return new String(bytes(), StandardCharsets.UTF_8); }

    void end() {
      if (buf.hasRemaining()) {
        throw new CodecException(buf.remaining() + " trailing bytes");
      }
    }
  }
}
