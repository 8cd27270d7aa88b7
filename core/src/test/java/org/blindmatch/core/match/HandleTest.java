package org.blindmatch.core.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** {@link Handle} is its 16 bytes: equality, unsigned order, hex, copies. */
class HandleTest {
  @Property(tries = 300)
  void behavesAsItsBytes(@ForAll @Size(16) byte[] a, @ForAll @Size(16) byte[] b) {
    Handle ha = Handle.of(a);
    Handle hb = Handle.of(b);
    assertEquals(Integer.signum(Arrays.compareUnsigned(a, b)), Integer.signum(ha.compareTo(hb)));
    assertEquals(Arrays.equals(a, b), ha.equals(hb));
    assertEquals(ha, Handle.of(a.clone()));
    assertEquals(ha.hashCode(), Handle.of(a.clone()).hashCode());
    assertArrayEquals(a, ha.bytes());
    assertEquals(HexFormat.of().formatHex(a), ha.toString());
  }

  @Property(tries = 100)
  void sharesNoArray(@ForAll @Size(16) byte[] a) {
    byte[] original = a.clone();
    Handle h = Handle.of(a);
    a[0]++;
    assertArrayEquals(original, h.bytes());
    byte[] out = h.bytes();
    assertNotSame(out, h.bytes());
    out[15]++;
    assertArrayEquals(original, h.bytes());
  }

  @Test
  void readsAHandleInsideARecord() {
    byte[] rec = new byte[33];
    for (int i = 0; i < rec.length; i++) {
      rec[i] = (byte) (0xf0 + i);
    }
    assertArrayEquals(Arrays.copyOfRange(rec, 16, 32), Handle.read(rec, 16).bytes());
    assertThrows(IndexOutOfBoundsException.class, () -> Handle.read(rec, 18));
    assertThrows(IndexOutOfBoundsException.class, () -> Handle.read(rec, -1));
  }

  @Test
  void refusesOtherLengths() {
    assertThrows(IllegalArgumentException.class, () -> Handle.of(new byte[15]));
    assertThrows(IllegalArgumentException.class, () -> Handle.of(new byte[17]));
    assertThrows(NullPointerException.class, () -> Handle.of(null));
  }
}
