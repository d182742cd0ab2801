package dev.gloo.store.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gloo.store.KeyValue;
import dev.gloo.store.RangeResult;
import dev.gloo.store.Txn;
import dev.gloo.store.TxnResult;
import dev.gloo.store.WatchEvent;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class CodecTest {
  private static final KeyValue KV = new KeyValue("/k/é", new byte[] {1, 2, 3}, 4, 5, 6);

  @Test
  void transactionsRoundTripAndEncodeDeterministically() {
    Txn txn = Txn.builder().ifAbsent("/a").ifPresent("/b").ifModRevision("/c", 42)
        .put("/a", new byte[] {9}).delete("/b").build();
    byte[] bytes = Codec.encodeTxn(txn);
    Txn back = Codec.decodeTxn(ByteBuffer.wrap(bytes));
    assertEquals(txn.conditions(), back.conditions());
    assertEquals(2, back.ops().size());
    assertArrayEquals(new byte[] {9}, ((Txn.Put) back.ops().get(0)).value());
    assertArrayEquals(bytes, Codec.encodeTxn(back));
  }

  @Test
  void resultsRangesAndHistoryRoundTrip() {
    TxnResult ok = TxnResult.success(7, List.of(new TxnResult.OpResult("/k/é", Optional.empty(), Optional.of(KV))));
    assertEquals(ok, Codec.decodeTxnResult(ByteBuffer.wrap(Codec.encodeTxnResult(ok))));
    TxnResult failed = TxnResult.failure(7, 1, Optional.of(KV));
    assertEquals(failed, Codec.decodeTxnResult(ByteBuffer.wrap(Codec.encodeTxnResult(failed))));
    RangeResult range = new RangeResult(List.of(KV, KV), 9, Optional.of("/k/é"));
    assertEquals(range, Codec.decodeRange(ByteBuffer.wrap(Codec.encodeRange(range))));
    Codec.HistoryRecord h = new Codec.HistoryRecord(123, List.of(
        new WatchEvent(WatchEvent.Type.PUT, KV, 5), new WatchEvent(WatchEvent.Type.DELETE, KV, 5)));
    assertEquals(h, Codec.decodeHistory(Codec.encodeHistory(h)));
    assertEquals(KV, Codec.decodeRecord(KV.key(), Codec.encodeRecord(KV)));
    for (Codec.ReadRequest r : List.of(new Codec.Get("/x"), new Codec.Get(""), new Codec.Revision())) {
      assertEquals(r, Codec.decodeRead(ByteBuffer.wrap(Codec.encodeRead(r))));
    }
  }

  @Test
  void utf8LengthMatchesTheJdk() {
    for (String s : List.of("", "abc", "é", "€", "😀", "a😀é€")) {
      assertEquals(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, Codec.utf8Length(s), s);
    }
  }

  /** Truncated or corrupted bytes fail with CodecException, never another exception or a hang. */
  @RepeatedTest(200)
  void damagedBytesAreRejectedCleanly(org.junit.jupiter.api.RepetitionInfo info) {
    long seed = 0xC0DECL * info.getCurrentRepetition();
    Random random = new Random(seed);
    Txn txn = Txn.builder().ifModRevision("/a", random.nextLong()).put("/a", new byte[random.nextInt(50)])
        .delete("/b").build();
    byte[] bytes = Codec.encodeTxn(txn);
    byte[] damaged = random.nextBoolean()
        ? Arrays.copyOf(bytes, random.nextInt(bytes.length))
        : flip(bytes, random);
    try {
      Codec.decodeTxn(ByteBuffer.wrap(damaged));
    } catch (Codec.CodecException expected) {
      return;
    } catch (RuntimeException other) {
      throw new AssertionError("seed " + seed + ": " + other, other);
    }
  }

  @Test
  void anUnknownVersionIsRefused() {
    byte[] bytes = Codec.encodeTxn(Txn.put("/a", new byte[0]));
    bytes[0] = 99;
    assertThrows(Codec.CodecException.class, () -> Codec.decodeTxn(ByteBuffer.wrap(bytes)));
  }

  private static byte[] flip(byte[] bytes, Random random) {
    byte[] copy = bytes.clone();
    int i = random.nextInt(copy.length);
    copy[i] = (byte) random.nextInt(256);
    return copy;
  }
}
