package org.blindmatch.cli;

import org.blindmatch.core.claims.Transcripts;
import org.blindmatch.core.claims.ClaimVerificationException;
import org.blindmatch.server.config.ConfigException;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import org.blindmatch.client.federation.FederationClient;
import org.blindmatch.client.federation.NodeProfile;
import org.blindmatch.client.tokenize.InputException;
import org.blindmatch.crypto.sign.NodeSigner;
import org.blindmatch.proto.v1.ListRunsRequest;
import org.blindmatch.proto.v1.ListSubmissionsRequest;
import org.blindmatch.proto.v1.RunTranscript;
import org.blindmatch.proto.v1.SignedTranscript;
import org.blindmatch.proto.v1.SubmissionInfo;
import org.blindmatch.proto.v1.TierTotals;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.store.MetadataLocation;
import org.blindmatch.server.store.backup.StoreBackup;
import org.blindmatch.server.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code blindmatch admin submissions|runs}: what the clearinghouse holds, without tokens;
 * {@code admin backup|restore}: its state, on the clearinghouse host.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Operator and auditor views of the clearinghouse (metadata only); backup "
        + "and restore of its state on the clearinghouse host.",
    subcommands = {AdminCommand.Submissions.class, AdminCommand.Runs.class,
        AdminCommand.Backup.class, AdminCommand.Restore.class})
final class AdminCommand {

  /** Where a store keeps its metadata and its segments. */
  record Target(MetadataLocation metadata, Path dataDir) {}

  /**
   * The store named by {@code --data-dir} (an embedded store) or by the config's
   * {@code data_dir} and {@code store} (either kind; a password file is read now).
   */
  static Target target(Path config, Path dataDir) throws InputException {
    if ((config == null) == (dataDir == null)) {
      throw new InputException("give exactly one of --config FILE and --data-dir DIR");
    }
    if (dataDir != null) {
      return new Target(MetadataLocation.embedded(), dataDir);
    }
    try {
      ClearinghouseConfig cfg = ClearinghouseConfig.load(config);
      return new Target(cfg.store().location(), cfg.dataDir());
    } catch (ConfigException e) {
      throw new InputException(e.getMessage());
    }
  }

  @Command(name = "backup", mixinStandardHelpOptions = true,
      description = {"Clearinghouse host: copy the store (SQLite metadata and transparency "
          + "log, committed segments, durable parts of uploads in progress) to a new "
          + "directory while the server keeps serving, with a manifest of SHA-256 hashes. "
          + "Reads the data directory directly (and a PostgreSQL store's database as its "
          + "configured role); needs file access to it, not a certificate.",
          "A PostgreSQL store (--config with store.kind: postgresql) is read in one "
          + "REPEATABLE READ snapshot and written in the same format (an SQLite meta.sqlite), "
          + "so a backup restores into either kind of store.",
          "The backup holds every party's tokens: protect it like the data directory."})
  static final class Backup implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--config", paramLabel = "FILE",
        description = "The clearinghouse config (its data_dir is backed up).") Path config;
    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Or the data directory itself.") Path dataDir;
    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "New directory for the backup (must not exist).") Path out;

    @Override
    public Integer call() throws InputException {
      try {
        Target t = target(config, dataDir);
        StoreBackup.Summary s = StoreBackup.backup(t.metadata(), t.dataDir(), out);
        spec.commandLine().getOut().printf("backup     %s%nholds      %d submissions, %d "
            + "uploads in progress, log of %d entries, %d bytes; manifest.json lists each "
            + "file's SHA-256%n", s.directory(), s.submissions(), s.uploads(), s.logSize(),
            s.bytes());
        return 0;
      } catch (StoreException e) {
        throw new InputException(e.getMessage());
      }
    }
  }

  @Command(name = "restore", mixinStandardHelpOptions = true,
      description = {"Clearinghouse host, server stopped: check a backup against its "
          + "manifest and write it as a fresh data directory (which must not exist or be "
          + "empty); then start the server on it.",
          "With a PostgreSQL store (--config with store.kind: postgresql) the metadata and log "
          + "go into its database, which must be empty (a new database; its schema is "
          + "created), bound to the new data directory."})
  static final class Restore implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--from", required = true, paramLabel = "DIR",
        description = "The backup directory.") Path from;
    @Option(names = "--config", paramLabel = "FILE",
        description = "The clearinghouse config (restores into its data_dir).") Path config;
    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Or the data directory to create.") Path dataDir;

    @Override
    public Integer call() throws InputException {
      try {
        Target t = target(config, dataDir);
        StoreBackup.Summary s = StoreBackup.restore(from, t.metadata(), t.dataDir());
        spec.commandLine().getOut().printf("restored   %s%nholds      %d submissions, %d "
            + "uploads in progress, log of %d entries (every file matched the manifest)%n",
            s.directory(), s.submissions(), s.uploads(), s.logSize());
        return 0;
      } catch (StoreException e) {
        throw new InputException(e.getMessage());
      }
    }
  }

  @Command(name = "submissions", mixinStandardHelpOptions = true,
      description = "Operator: every stored submission's id, submitter, role, key id, "
          + "record count, Merkle root, commit and expiry time.")
  static final class Submissions implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--profile", required = true, paramLabel = "FILE") Path profile;
    @Option(names = "--json", description = "One blindmatch.submissions/v1 JSON document "
        + "(docs/JSON.md) on stdout.") boolean json;

    @Override
    public Integer call() throws Exception {
      try (FederationClient c = FederationClient.connect(NodeProfile.load(profile),
          spec.commandLine().getErr()::println)) {
        java.util.List<SubmissionInfo> list = c.admin().listSubmissions(
            ListSubmissionsRequest.getDefaultInstance()).getSubmissionsList();
        if (json) {
          JsonOutput.print(spec.commandLine().getOut(), json(list));
        } else {
          print(spec.commandLine().getOut(), list);
        }
        return 0;
      } catch (StatusRuntimeException e) {
        throw new InputException("cannot list submissions: " + FederationClient.describe(e));
      }
    }

    /** The {@code blindmatch.submissions/v1} document. */
    static com.fasterxml.jackson.databind.node.ObjectNode json(
        java.util.List<SubmissionInfo> submissions) {
      var doc = JsonOutput.document("submissions");
      var array = doc.putArray("submissions");
      for (SubmissionInfo s : submissions) {
        var o = array.addObject();
        o.put("submission_id", s.getSubmissionId());
        o.put("submitter", s.getSubmitter());
        o.put("role", s.getRole().name().replace("SUBMISSION_ROLE_", "").toLowerCase());
        JsonOutput.uint32(o, "key_id", s.getKeyId());
        JsonOutput.uint64(o, "records", s.getRecordCount());
        o.put("merkle_root", HexFormat.of().formatHex(s.getMerkleRoot().toByteArray()));
        JsonOutput.instant(o, "committed_at", s.getCommittedAt());
        JsonOutput.instant(o, "expires_at", s.getExpiresAt());
        o.put("purged", s.getPurged());
      }
      return doc;
    }

    /** The CSV {@code admin submissions} prints; key ids and counts as unsigned numbers. */
    static void print(PrintWriter out, java.util.List<SubmissionInfo> submissions) {
      out.println("submission_id,submitter,role,key_id,records,merkle_root,committed_at,"
          + "expires_at,purged");
      for (SubmissionInfo s : submissions) {
        out.println(String.join(",", s.getSubmissionId(), s.getSubmitter(),
            s.getRole().name().replace("SUBMISSION_ROLE_", "").toLowerCase(),
            Integer.toUnsignedString(s.getKeyId()), Long.toUnsignedString(s.getRecordCount()),
            HexFormat.of().formatHex(s.getMerkleRoot().toByteArray()),
            Instant.ofEpochSecond(s.getCommittedAt()).toString(),
            Instant.ofEpochSecond(s.getExpiresAt()).toString(),
            Boolean.toString(s.getPurged())));
      }
    }
  }

  @Command(name = "runs", mixinStandardHelpOptions = true,
      description = "Operator or auditor: every match run's signed transcript, with its "
          + "signature checked against the clearinghouse's published key.")
  static final class Runs implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Option(names = "--profile", required = true, paramLabel = "FILE") Path profile;
    @Option(names = "--json", description = "One blindmatch.runs/v1 JSON document "
        + "(docs/JSON.md) on stdout; every transcript's signature is checked first.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      try (FederationClient c = FederationClient.connect(NodeProfile.load(profile),
          spec.commandLine().getErr()::println)) {
        String key = c.publishedScope().getClearinghousePublicKeyset();
        PrintWriter out = spec.commandLine().getOut();
        java.util.List<RunTranscript> runs = new java.util.ArrayList<>();
        for (SignedTranscript st : c.admin().listRuns(ListRunsRequest.getDefaultInstance())
            .getTranscriptsList()) {
          try {
            runs.add(Transcripts.verify(key, st));
          } catch (ClaimVerificationException e) {
            throw new InputException("a transcript's signature does not verify against the "
                + "clearinghouse's published key");
          }
        }
        if (json) {
          java.util.List<String> tiers = new java.util.ArrayList<>();
          c.publishedScope().getScope().getTiersList().forEach(x -> tiers.add(x.getName()));
          var doc = JsonOutput.document("runs");
          var array = doc.putArray("runs");
          for (RunTranscript t : runs) {
            JsonOutput.transcript(array.addObject(), t, tiers).put("signature", "ok");
          }
          JsonOutput.print(out, doc);
          return 0;
        }
        for (RunTranscript t : runs) {
          out.printf("%s  %s  scope %s  k=%s  %d report + %d watchlist inputs  "
                  + "%d recipients  signature ok%n", t.getRunId(),
              Instant.ofEpochSecond(t.getStartedAt()), t.getScopeId(),
              Integer.toUnsignedString(t.getKThreshold()),
              t.getReportInputsCount(), t.getWatchlistInputsCount(), t.getRecipientsCount());
          for (TierTotals tt : t.getTotalsList()) {
            out.printf("    tier %s: %s records, %s events, %s labels, %s submitters%n",
                Integer.toUnsignedString(tt.getTier()),
                Long.toUnsignedString(tt.getMatchedRecords()),
                Long.toUnsignedString(tt.getMatchedEvents()),
                Long.toUnsignedString(tt.getMatchedLabels()),
                Long.toUnsignedString(tt.getSubmitters()));
          }
        }
        return 0;
      } catch (StatusRuntimeException e) {
        throw new InputException("cannot list runs: " + FederationClient.describe(e));
      }
    }
  }
}
