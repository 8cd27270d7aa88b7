package org.blindmatch.crypto.oprf.dkg;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.crypto.hash.Sha256;
import org.bouncycastle.math.ec.ECPoint;

/**
 * Encodings of the bodies of rounds DEAL to FELDMAN (docs/PROTOCOL.md §5.2), strict on decode:
 * exact lengths, points on the curve, scalars below n, indices in range, no trailing bytes.
 */
final class Bodies {
  static final int OK = 0;
  static final int MISSING = 1;
  static final int BAD_SHARE = 2;
  static final int DIGEST_LENGTH = 32;

  private Bodies() {}

  record Deal(List<ECPoint> commitments, BigInteger share, BigInteger blinding) {}

  record Status(int code, byte[] digest) {}

  record Reveal(int complainer, BigInteger share, BigInteger blinding) {}

  record Justification(List<ECPoint> commitments, List<Reveal> reveals) {}

  record Feldman(List<Integer> qualified, List<ECPoint> commitments) {}

  static byte[] commitmentDigest(int dealer, List<ECPoint> commitments) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("blindmatch/v1/dkg-commitments".getBytes(java.nio.charset.StandardCharsets
        .US_ASCII));
    b.write(0);
    b.write(dealer);
    commitments.forEach(c -> b.writeBytes(Group.encode(c)));
    return Sha256.digest(b.toByteArray());
  }

  static byte[] deal(Deal d) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    points(b, d.commitments());
    b.writeBytes(Group.encode(d.share()));
    b.writeBytes(Group.encode(d.blinding()));
    return b.toByteArray();
  }

  static Deal deal(byte[] body, int t) throws DkgException {
    Reader r = new Reader(body, "deal");
    Deal d = new Deal(r.points(t), r.scalar("share"), r.scalar("blinding"));
    r.end();
    return d;
  }

  static byte[] complaints(List<Status> statuses) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(statuses.size());
    for (Status s : statuses) {
      b.write(s.code());
      b.writeBytes(s.digest());
    }
    return b.toByteArray();
  }

  static List<Status> complaints(byte[] body, int n) throws DkgException {
    Reader r = new Reader(body, "complaints");
    int count = r.u8();
    if (count != n) {
      throw new DkgException("complaints: " + count + " entries for " + n + " keyholders");
    }
    List<Status> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      int code = r.u8();
      if (code != OK && code != MISSING && code != BAD_SHARE) {
        throw new DkgException("complaints: entry " + i + ": unknown status " + code);
      }
      byte[] digest = r.bytes(DIGEST_LENGTH, "digest");
      out.add(new Status(code, digest));
    }
    r.end();
    return out;
  }

  static byte[] justification(Justification j) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    points(b, j.commitments());
    b.write(j.reveals().size());
    for (Reveal v : j.reveals()) {
      b.write(v.complainer());
      b.writeBytes(Group.encode(v.share()));
      b.writeBytes(Group.encode(v.blinding()));
    }
    return b.toByteArray();
  }

  static Justification justification(byte[] body, int t, int n) throws DkgException {
    Reader r = new Reader(body, "justification");
    List<ECPoint> c = r.points(t);
    int count = r.u8();
    List<Reveal> reveals = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      int complainer = r.index(n);
      reveals.add(new Reveal(complainer, r.scalar("revealed share"),
          r.scalar("revealed blinding")));
    }
    r.end();
    return new Justification(c, reveals);
  }

  static byte[] feldman(Feldman f) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(f.qualified().size());
    f.qualified().forEach(b::write);
    points(b, f.commitments());
    return b.toByteArray();
  }

  static Feldman feldman(byte[] body, int t, int n) throws DkgException {
    Reader r = new Reader(body, "feldman");
    int count = r.u8();
    List<Integer> q = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      int i = r.index(n);
      if (!q.isEmpty() && i <= q.get(q.size() - 1)) {
        throw new DkgException("feldman: qualified set not strictly ascending");
      }
      q.add(i);
    }
    Feldman f = new Feldman(q, r.points(t));
    r.end();
    return f;
  }

  private static void points(ByteArrayOutputStream b, List<ECPoint> points) {
    b.write(points.size());
    points.forEach(p -> b.writeBytes(Group.encode(p)));
  }

  /** Strict reader over one body. */
  static final class Reader {
    private final ByteBuffer in;
    private final String what;

    Reader(byte[] body, String what) {
      this.in = ByteBuffer.wrap(body);
      this.what = what;
    }

    int u8() throws DkgException {
      need(1);
      return in.get() & 0xff;
    }

    byte[] bytes(int length, String field) throws DkgException {
      need(length);
      byte[] b = new byte[length];
      in.get(b);
      return b;
    }

    BigInteger scalar(String field) throws DkgException {
      return Group.decodeScalar(bytes(Group.SCALAR_LENGTH, field), what + ": " + field);
    }

    int index(int n) throws DkgException {
      int i = u8();
      if (i < 1 || i > n) {
        throw new DkgException(what + ": keyholder index " + i + " not in 1.." + n);
      }
      return i;
    }

    List<ECPoint> points(int t) throws DkgException {
      int count = u8();
      if (count != t) {
        throw new DkgException(what + ": " + count + " commitments, the threshold is " + t);
      }
      List<ECPoint> out = new ArrayList<>(t);
      for (int k = 0; k < t; k++) {
        out.add(Group.decodePoint(bytes(Group.POINT_LENGTH, "commitment"),
            what + ": commitment " + k));
      }
      return out;
    }

    void end() throws DkgException {
      if (in.hasRemaining()) {
        throw new DkgException(what + ": " + in.remaining() + " trailing bytes");
      }
    }

    private void need(int k) throws DkgException {
      if (in.remaining() < k) {
        throw new DkgException(what + ": truncated");
      }
    }
  }
}
