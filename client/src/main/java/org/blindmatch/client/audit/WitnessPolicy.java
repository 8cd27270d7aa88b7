package org.blindmatch.client.audit;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.core.claims.Checkpoint;
import org.blindmatch.core.claims.Checkpoints;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.core.claims.SignedNote;
import org.blindmatch.core.claims.VerifierKey;
import org.blindmatch.proto.v1.GetCheckpointRequest;
import org.blindmatch.proto.v1.TreeHead;

/**
 * "Accept a tree head only if at least {@code min} of these witnesses cosigned it" (docs/
 * PROTOCOL.md §11): the witness list is a file of C2SP cosigner vkeys (type 0x04), one per
 * line, {@code #} comments and blank lines allowed. A head passes when the log's checkpoint of
 * exactly that size and root — signed by the checkpoint key the head names — carries valid
 * cosignatures of at least {@code min} distinct listed witnesses. Immutable, thread-safe.
 *
 * @param file where the list was read from, for messages
 * @param witnesses the listed witness keys
 * @param min cosignatures required, 1 to the number listed
 */
public record WitnessPolicy(Path file, List<VerifierKey> witnesses, int min) {
  public WitnessPolicy {
    witnesses = List.copyOf(witnesses);
  }

  /**
   * Reads a witness list.
   *
   * @throws InputException naming the file and line of a malformed or duplicate key, an empty
   *     list, or a {@code min} outside 1 to the number of witnesses
   */
  public static WitnessPolicy load(Path file, int min) throws InputException {
    return load(file, min, "--min");
  }

  /**
   * The policy of a node profile's {@code witnesses} and {@code min_witnesses}, or null if it
   * has none: what {@code submit}, {@code results get} and the audit commands require when no
   * {@code --witnesses} is given.
   *
   * @param profileFile the profile's path, for messages
   * @throws InputException naming the profile, the key and the problem as {@link #load}
   */
  public static WitnessPolicy ofProfile(org.blindmatch.client.federation.NodeProfile profile,
      Path profileFile) throws InputException {
    if (profile.witnesses() == null) {
      return null;
    }
    try {
      return load(profile.witnesses(), profile.minWitnesses(), "min_witnesses");
    } catch (InputException e) {
      throw new InputException(profileFile + ": witnesses: " + e.getMessage());
    }
  }

  private static WitnessPolicy load(Path file, int min, String minName) throws InputException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputException(file + ": no such file (--witnesses)");
    } catch (MalformedInputException e) {
      throw new InputException(file + ": not UTF-8 text");
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage());
    }
    List<VerifierKey> keys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      VerifierKey key;
      try {
        key = VerifierKey.parse(line, VerifierKey.Type.COSIGNATURE_V1);
      } catch (ClaimVerificationException e) {
        throw new InputException(file + " line " + (i + 1) + ": " + e.getMessage()
            + " (expected a witness key as 'audit witness --init' prints it)");
      }
      for (VerifierKey k : keys) {
        if (k.name().equals(key.name()) || MessageDigest.isEqual(k.publicKey(),
            key.publicKey())) {
          throw new InputException(file + " line " + (i + 1) + ": witness " + key.name()
              + " is listed twice (by name or key); each witness counts once");
        }
      }
      keys.add(key);
    }
    if (keys.isEmpty()) {
      throw new InputException(file + ": lists no witness keys");
    }
    if (min < 1 || min > keys.size()) {
      throw new InputException(minName + " " + min + ": must be between 1 and the "
          + keys.size()
          + " witnesses listed in " + file);
    }
    return new WitnessPolicy(file, keys, min);
  }

  /**
   * Checks that the log's checkpoint for {@code head} (already verified under the pinned log
   * key) carries enough cosignatures.
   *
   * @return the verified cosignatures
   * @throws AuditException if the clearinghouse signs no checkpoints, the checkpoint does not
   *     verify or is not the head's, or fewer than {@code min} listed witnesses cosigned it
   */
  public List<Checkpoints.Cosignature> require(FederationClient client, TreeHead head)
      throws AuditException {
    return require(client, head, "the tree head of size " + head.getTreeSize());
  }

  /**
   * Requires the cosignatures on the log's current signed tree head, verified first under the
   * clearinghouse's published (and pinned) log key.
   *
   * @return the head and its verified cosignatures
   * @throws AuditException as {@link #require(FederationClient, TreeHead)}, or if the head
   *     cannot be fetched or does not verify
   * @throws org.blindmatch.client.federation.FederationException if the log key is not the
   *     pinned one
   */
  public List<Checkpoints.Cosignature> requireOnCurrentHead(FederationClient client)
      throws AuditException, org.blindmatch.client.federation.FederationException {
    String key = client.publishedScope().getClearinghousePublicKeyset();
    TreeHead head;
    try {
      head = org.blindmatch.core.claims.TreeHeads.verify(key, client.audit()
          .getSignedTreeHead(org.blindmatch.proto.v1.GetSignedTreeHeadRequest
              .getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      throw new AuditException("cannot fetch the signed tree head: "
          + FederationClient.describe(e));
    } catch (ClaimVerificationException e) {
      throw new AuditException("the current tree head's signature does not verify");
    }
    return require(client, head, "the current tree head (size " + head.getTreeSize() + ")");
  }

  private List<Checkpoints.Cosignature> require(FederationClient client, TreeHead head,
      String what) throws AuditException {
    VerifierKey logKey = Witness.checkpointKey(head);
    SignedNote note;
    try {
      note = SignedNote.parse(client.audit().getCheckpoint(GetCheckpointRequest.newBuilder()
          .setTreeSize(head.getTreeSize()).build()).getNote());
    } catch (StatusRuntimeException e) {
      throw new AuditException("cannot fetch the checkpoint: " + FederationClient.describe(e));
    } catch (ClaimVerificationException e) {
      throw new AuditException("the clearinghouse's checkpoint: " + e.getMessage());
    }
    return require(note, logKey, Checkpoints.origin(client.identity().federation()),
        Witness.checkpointOf(head, Checkpoints.origin(client.identity().federation())), what);
  }

  /**
   * As {@link #require(FederationClient, TreeHead)} for a note already fetched: {@code note}
   * must be {@code expected} signed by {@code logKey}, and cosigned by {@code min} witnesses.
   */
  public List<Checkpoints.Cosignature> require(SignedNote note, VerifierKey logKey,
      String origin, Checkpoint expected) throws AuditException {
    return require(note, logKey, origin, expected, "the tree head of size " + expected.size());
  }

  private List<Checkpoints.Cosignature> require(SignedNote note, VerifierKey logKey,
      String origin, Checkpoint expected, String what) throws AuditException {
    try {
      Checkpoint cp = Checkpoints.verify(note, logKey, origin);
      if (!cp.sameAs(expected)) {
        throw new AuditException("the checkpoint (size " + cp.size() + ", root "
            + cp.rootHex() + ") is not the head being accepted (size " + expected.size()
            + ", root " + expected.rootHex() + ")");
      }
      List<Checkpoints.Cosignature> found = Checkpoints.cosignatures(note, witnesses);
      if (found.size() < min) {
        List<String> missing = new ArrayList<>();
        for (VerifierKey w : witnesses) {
          if (found.stream().noneMatch(c -> c.witness().equals(w))) {
            missing.add(w.name());
          }
        }
        throw new AuditException(what + " carries "
            + found.size() + " valid cosignature" + (found.size() == 1 ? "" : "s")
            + " of the witnesses in " + file + ", " + min + " required"
            + (found.isEmpty() ? "" : " (cosigned by " + String.join(", ",
                found.stream().map(c -> c.witness().name()).toList()) + ")")
            + "; missing: " + String.join(", ", missing)
            + ". The witnesses have not seen this head yet (run 'audit witness'), or this "
            + "head was not shown to them (a split view)");
      }
      return found;
    } catch (ClaimVerificationException e) {
      throw new AuditException("the clearinghouse's checkpoint: " + e.getMessage());
    }
  }
}
