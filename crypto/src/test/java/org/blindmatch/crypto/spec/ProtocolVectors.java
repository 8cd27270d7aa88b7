package org.blindmatch.crypto.spec;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.prf.HmacPrfKey;
import com.google.crypto.tink.prf.HmacPrfParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import org.blindmatch.crypto.ip.IpAddress;
import org.blindmatch.crypto.ip.IpParser;
import org.blindmatch.crypto.ip.IpPrefix;
import org.blindmatch.crypto.scope.Scope;
import org.blindmatch.crypto.scope.ScopeLoader;
import org.blindmatch.crypto.scope.Tier;
import org.blindmatch.crypto.time.BucketRange;
import org.blindmatch.crypto.time.TimestampFormat;
import org.blindmatch.crypto.time.WindowExpander;
import org.blindmatch.crypto.token.HmacTokenDeriver;
import org.blindmatch.crypto.token.TokenEncoding;
import org.blindmatch.crypto.tokenfile.TokenFileHeader;

/** Generates the Markdown test-vector section of docs/PROTOCOL.md from the code. */
final class ProtocolVectors {
  static final int KEY_ID = 0x01020304;
  private static final HexFormat HEX = HexFormat.of();

  private ProtocolVectors() {}

  static HmacTokenDeriver testDeriver(Scope scope) throws Exception {
    byte[] key = new byte[32];
    for (int i = 0; i < 32; i++) {
      key[i] = (byte) i;
    }
    HmacPrfKey prfKey = HmacPrfKey.builder()
        .setParameters(HmacPrfParameters.builder()
            .setKeySizeBytes(32)
            .setHashType(HmacPrfParameters.HashType.SHA256)
            .build())
        .setKeyBytes(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get()))
        .build();
    return new HmacTokenDeriver(scope, prfKey, KEY_ID);
  }

  static String generate(Path repoRoot) throws Exception {
    Scope scope = ScopeLoader.load(repoRoot.resolve("examples/scope.yaml"));
    HmacTokenDeriver deriver = testDeriver(scope);
    StringBuilder md = new StringBuilder();
    md.append("### 6.1 Scope\n\n");
    md.append("Canonical encoding of `examples/scope.yaml`:\n\n```\n")
        .append(wrap(HEX.formatHex(scope.canonicalEncoding()))).append("```\n\n");
    md.append("Scope digest: `").append(scope.digestHex()).append("`\n\n");

    md.append("### 6.2 Report events\n\n");
    md.append("| ip (input) | timestamp (input) | tier | masked address | bucket | token |\n");
    md.append("|---|---|---|---|---:|---|\n");
    String[][] events = {
      {"203.0.114.7", "2026-03-01T10:15:00Z"},
      {"[2400:CB00:2049:0001:0000:0000:A29F:1804]:443", "2026-03-02T01:00:00+07:00"},
      {"::ffff:45.77.12.9", "1772526600"},
      {"45.77.12.9:51234", "2026-03-03T08:30:00.999Z"},
      {"2a02:6b8::feed:1", "1969-12-31T23:59:59Z"},
    };
    for (String[] e : events) {
      IpAddress address = IpParser.parseEndpoint(e[0]);
      long t = TimestampFormat.detect(e[1]).parseEpochSecond(e[1]);
      for (int tier = 0; tier < scope.tiers().size(); tier++) {
        Tier spec = scope.tier(tier);
        long bucket = spec.bucketWidth().bucketOf(t);
        md.append("| `").append(e[0]).append("` | `").append(e[1]).append("` | ")
            .append(spec.name()).append(" | `")
            .append(address.mask(spec.prefixFor(address.family()))).append("` | ")
            .append(bucket).append(" | `").append(token(deriver, tier, address, bucket))
            .append("` |\n");
      }
    }
    IpAddress first = IpParser.parseEndpoint(events[0][0]);
    long firstBucket = scope.tier(0).bucketWidth().bucketOf(
        TimestampFormat.ISO_8601.parseEpochSecond(events[0][1]));
    md.append("\nThe 88-byte encoding of the first row, tier 0:\n\n```\n")
        .append(wrap(HEX.formatHex(TokenEncoding.encode(scope.digest(), 0, 32,
            scope.tier(0).bucketWidth().seconds(), first, firstBucket))))
        .append("```\n\n");

    md.append("### 6.3 Watchlist rows\n\n");
    String[][] rows = {
      {"203.0.114.0/31", "2026-03-01T09:40:00Z", "2026-03-01T10:10:00Z"},
      {"2400:cb00:2049::/63", "1772402400", "1772402400"},
    };
    for (String[] r : rows) {
      IpPrefix prefix = IpParser.parseCidr(r[0]);
      TimestampFormat f = TimestampFormat.detect(r[1]);
      long s = f.parseEpochSecond(r[1]);
      long e = f.parseEpochSecond(r[2]);
      md.append("`").append(r[0]).append("`, window `").append(r[1]).append("` … `")
          .append(r[2]).append("`:\n\n");
      md.append("| tier | masked address | bucket | token |\n|---|---|---:|---|\n");
      for (int tier = 0; tier < scope.tiers().size(); tier++) {
        Tier spec = scope.tier(tier);
        BucketRange range = new WindowExpander(spec.bucketWidth(),
            spec.watchlistToleranceSeconds(), spec.maxBucketsPerWindow()).expand(s, e);
        for (Iterator<IpAddress> it = prefix.addressesAt(spec.prefixFor(prefix.family()));
            it.hasNext(); ) {
          IpAddress a = it.next();
          for (long b = range.first(); b <= range.last(); b++) {
            md.append("| ").append(spec.name()).append(" | `").append(a).append("` | ")
                .append(b).append(" | `").append(token(deriver, tier, a, b)).append("` |\n");
          }
        }
      }
      md.append('\n');
    }

    md.append("### 6.4 oprf mode\n\n");
    byte[] seed = new byte[32];
    java.util.Arrays.fill(seed, (byte) 0x42);
    org.blindmatch.crypto.oprf.KeyPair oprfKey = org.blindmatch.crypto.oprf.KeyPair.derive(
        org.blindmatch.crypto.oprf.Suite.VOPRF_P256_SHA256, seed,
        "blindmatch test key".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    org.blindmatch.crypto.oprf.OprfServer fullKey = new org.blindmatch.crypto.oprf.OprfServer(
        org.blindmatch.crypto.oprf.Suite.VOPRF_P256_SHA256, oprfKey);
    md.append("Test-only key: `DeriveKeyPair(seed = 42×32, info = \"blindmatch test key\")`, ")
        .append("VOPRF P256-SHA256 (in a federation the key exists only as shares); ")
        .append("`s` is the OPRF output the client obtains; tokens for the first report ")
        .append("event of §6.2:\n\n");
    IpAddress masked = first.mask(32);
    byte[] oprfInput = org.blindmatch.crypto.token.OprfTokenEncoding.address(scope.digest(), 32,
        masked);
    byte[] s = fullKey.evaluate(oprfInput);
    md.append("```\nOPRF input ").append(HEX.formatHex(oprfInput)).append("\ns          ")
        .append(HEX.formatHex(s)).append("\n```\n\n");
    md.append("| tier | bucket | token |\n|---|---:|---|\n");
    org.blindmatch.crypto.token.OprfTokenDeriver od =
        new org.blindmatch.crypto.token.OprfTokenDeriver(s);
    md.append("| ip+hour | ").append(firstBucket).append(" | `")
        .append(HEX.formatHex(od.token(0, 3600, firstBucket))).append("` |\n");
    md.append("| ip-only | 0 | `").append(HEX.formatHex(od.token(1, 0, 0))).append("` |\n\n");

    md.append("### 6.5 Token file header\n\n");
    TokenFileHeader header = new TokenFileHeader(TokenFileHeader.Role.REPORT,
        TokenFileHeader.KeyMode.HMAC, scope.digest(), KEY_ID, 8, 5, 1,
        List.of(new TokenFileHeader.TierCount(0, 4), new TokenFileHeader.TierCount(1, 4)));
    md.append("A report file, key id `0x01020304`, 8 records (4 per tier), 5 rows read, ")
        .append("1 skipped:\n\n```\n").append(wrap(HEX.formatHex(header.encode())))
        .append("```\n");
    return md.toString();
  }

  private static String token(HmacTokenDeriver d, int tier, IpAddress a, long bucket) {
    byte[] out = new byte[16];
    d.derive(tier, a, bucket, new byte[24], out, 0);
    return HEX.formatHex(out);
  }

  private static String wrap(String hex) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < hex.length(); i += 64) {
      b.append(hex, i, Math.min(hex.length(), i + 64)).append('\n');
    }
    return b.toString();
  }
}
