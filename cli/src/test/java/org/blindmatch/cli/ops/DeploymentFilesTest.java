package org.blindmatch.cli.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.blindmatch.server.clearinghouse.ClearinghouseConfig;
import org.blindmatch.server.keyholder.KeyholderConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container and cluster files (deploy/Dockerfile, deploy/compose.yaml, deploy/k8s/*.yaml)
 * are never run here (no Docker engine, no cluster), so they are checked statically: every
 * server config they carry loads with the real config loader, every file path in it is
 * provided by a mounted secret, config map or volume that exists, the data directory is on a
 * persistent volume, the ports they publish, probe and admit are the config's, and every
 * environment variable is one the launcher reads and docs/OPERATIONS.md documents; and the
 * properties an operator needs for them to start and to pass Pod Security "restricted": a
 * writable /tmp under a read-only root, seccomp RuntimeDefault, no service-account token,
 * startup/readiness/liveness probes, resource requests and limits, a heap that follows the
 * memory limit, no Secret (or placeholder) in the applied directory, and every passphrase in
 * a Secret of its own, apart from the keys it decrypts. (The schemas themselves are checked by
 * deploy/validate; that the servers start that way, by deploy/validate/container-test.sh.)
 */
class DeploymentFilesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** Environment variables bin/blindmatch reads. */
  private static final Set<String> LAUNCHER_ENV = Set.of("BLINDMATCH_JAVA_OPTS", "JAVA");

  @TempDir Path tmp;

  /** A server config as the loaders see it: its files, data dir and ports. */
  private record Loaded(List<Path> files, Path passphraseFile, Path dataDir, int port,
      int healthPort, int metricsPort) {}

  private Loaded load(String role, String yaml, String name) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, yaml);
    if (role.equals("clearinghouse")) {
      ClearinghouseConfig c = ClearinghouseConfig.load(f);
      assertNotNull(c.healthListen(), name + ": health_listen (probes need it)");
      return new Loaded(List.of(c.caCertificate(), c.certificate(), c.privateKey(),
          c.signingKeyset(), c.passphraseFile(), c.scope()), c.passphraseFile(), c.dataDir(),
          c.port(),
          c.healthListen().port(), c.metricsListen() == null ? -1 : c.metricsListen().port());
    }
    assertEquals("keyholder", role);
    KeyholderConfig c = KeyholderConfig.load(f, null);
    assertNotNull(c.healthListen(), name + ": health_listen (probes need it)");
    return new Loaded(List.of(c.caCertificate(), c.certificate(), c.privateKey(),
        c.passphraseFile(), c.share(), c.publicKey()), c.passphraseFile(), c.dataDir(),
        c.port(),
        c.healthListen().port(), c.metricsListen() == null ? -1 : c.metricsListen().port());
  }

  private static List<JsonNode> documents(Path f) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (Object o : YAML.readerFor(JsonNode.class).readValues(f.toFile()).readAll()) {
      JsonNode doc = (JsonNode) o;
      if (doc != null && !doc.isNull() && !doc.isEmpty()) {
        out.add(doc);
      }
    }
    return out;
  }

  private static void collect(Map<String, JsonNode> objects, Path f) throws Exception {
    for (JsonNode doc : documents(f)) {
      String key = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
      assertFalse(objects.containsKey(key), "duplicate " + key + " in " + f);
      assertFalse(doc.path("apiVersion").asText().isEmpty(), key + ": apiVersion");
      objects.put(key, doc);
    }
  }

  @Test
  void kubernetesManifestsAreConsistentWithTheConfigs() throws Exception {
    // What `kubectl apply -f deploy/k8s/` applies: no Secret, no placeholder, nothing that
    // could overwrite what operators created.
    Map<String, JsonNode> objects = new HashMap<>();
    try (var files = Files.list(Repo.root().resolve("deploy/k8s"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        collect(objects, f);
        assertFalse(Files.readString(f).contains("REPLACE"), f + ": a placeholder is applied");
      }
    }
    objects.keySet().forEach(k -> assertFalse(k.startsWith("Secret/"),
        k + ": Secrets are created by operators, never applied from deploy/k8s/"));
    JsonNode namespace = objects.get("Namespace/blindmatch");
    assertNotNull(namespace);
    assertEquals("restricted", namespace.path("metadata").path("labels")
        .path("pod-security.kubernetes.io/enforce").asText(), "Pod Security restricted");
    // The operator-made objects the manifests mount, as the example file shows their keys.
    Set<String> applied = Set.copyOf(objects.keySet());
    collect(objects, Repo.root().resolve("deploy/k8s-secrets.example.yaml"));
    for (String k : objects.keySet()) {
      if (!applied.contains(k)) {
        assertTrue(k.startsWith("Secret/") || k.equals("ConfigMap/federation-public"),
            k + ": the example file holds only Secrets and the federation's public files");
      }
    }
    int workloads = 0;
    Set<String> roles = new TreeSet<>();
    for (JsonNode w : objects.values()) {
      String kind = w.path("kind").asText();
      if (!kind.equals("StatefulSet") && !kind.equals("Deployment")) {
        continue;
      }
      workloads++;
      String name = kind + "/" + w.path("metadata").path("name").asText();
      assertEquals(1, w.path("spec").path("replicas").asInt(), name + ": one replica");
      JsonNode pod = w.path("spec").path("template");
      JsonNode podSpec = pod.path("spec");
      assertTrue(podSpec.path("securityContext").path("runAsNonRoot").asBoolean(),
          name + ": runAsNonRoot");
      assertEquals("RuntimeDefault", podSpec.path("securityContext").path("seccompProfile")
          .path("type").asText(), name + ": seccompProfile RuntimeDefault");
      assertTrue(podSpec.has("automountServiceAccountToken")
          && !podSpec.path("automountServiceAccountToken").asBoolean(),
          name + ": automountServiceAccountToken: false");
      assertEquals(1, podSpec.path("containers").size(), name);
      JsonNode c = podSpec.path("containers").get(0);
      JsonNode sc = c.path("securityContext");
      assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), name);
      assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), name + ": read-only root");
      assertEquals(List.of("ALL"), strings(sc.path("capabilities").path("drop")), name);
      String image = c.path("image").asText();
      assertTrue(image.matches("[a-z0-9.-]+\\.[a-z]+(:\\d+)?/.+"),
          name + ": image " + image + " names its registry");
      JsonNode res = c.path("resources");
      for (String r : List.of("requests.cpu", "requests.memory", "limits.memory")) {
        String[] parts = r.split("\\.");
        assertFalse(res.path(parts[0]).path(parts[1]).asText().isEmpty(), name + ": " + r);
      }
      List<String> args = strings(c.path("args"));
      assertEquals("serve", args.get(0), name);
      String role = args.get(1);
      roles.add(role + (kind.equals("StatefulSet") ? ":statefulset" : ":deployment"));
      String configPath = args.get(args.indexOf("--config") + 1);

      Map<String, JsonNode> volumes = new HashMap<>();
      podSpec.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));
      Set<String> claimTemplates = new HashSet<>();
      w.path("spec").path("volumeClaimTemplates")
          .forEach(t -> claimTemplates.add(t.path("metadata").path("name").asText()));

      String configYaml = text(provider(name, configPath, c, volumes, claimTemplates, objects));
      Loaded cfg = load(role, configYaml, name.replace('/', '-') + ".yaml");
      for (Path p : cfg.files()) {
        Provided v = provider(name, p.toString(), c, volumes, claimTemplates, objects);
        assertTrue(v.kind().equals("secret") || v.kind().equals("configMap"),
            name + ": " + p + " must come from a Secret or ConfigMap, not " + v.kind());
      }
      Provided data = provider(name, cfg.dataDir().toString(), c, volumes, claimTemplates,
          objects);
      assertEquals("persistent", data.kind(), name + ": data_dir must be on a persistent volume");

      Map<String, Integer> ports = new HashMap<>();
      c.path("ports").forEach(p -> ports.put(p.path("name").asText(),
          p.path("containerPort").asInt()));
      assertTrue(cfg.metricsPort() > 0, name + ": metrics_listen (Prometheus scrapes it)");
      assertEquals(Set.of(cfg.port(), cfg.healthPort(), cfg.metricsPort()),
          Set.copyOf(ports.values()),
          name + ": container ports are listen, health_listen and metrics_listen");
      assertEquals(cfg.metricsPort(), ports.get("metrics"), name + ": the metrics port");
      for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        assertEquals(cfg.healthPort(), c.path(probe).path("grpc").path("port").asInt(),
            name + ": " + probe + " is a gRPC probe of health_listen");
      }
      assertTrue(c.path("startupProbe").path("failureThreshold").asInt()
          * c.path("startupProbe").path("periodSeconds").asInt() >= 300,
          name + ": the startup probe allows minutes for re-checking a grown log");
      for (JsonNode e : c.path("env")) {
        assertTrue(LAUNCHER_ENV.contains(e.path("name").asText()),
            name + ": env " + e.path("name").asText() + " is not read by bin/blindmatch");
        assertHeapFollowsLimit(name, e.path("value").asText());
      }
      Provided tmpDir = provider(name, "/tmp/x", c, volumes, claimTemplates, objects);
      assertEquals("emptyDir", tmpDir.kind(), name + ": a writable /tmp (java.io.tmpdir)");
      // A passphrase never sits in the Secret of a key it decrypts.
      Provided pass = provider(name, cfg.passphraseFile().toString(), c, volumes,
          claimTemplates, objects);
      for (Path p : cfg.files()) {
        Provided v = provider(name, p.toString(), c, volumes, claimTemplates, objects);
        if (!p.equals(cfg.passphraseFile()) && v.kind().equals("secret")) {
          assertFalse(v.source().equals(pass.source()),
              name + ": " + p + " and the passphrase are in the same Secret " + v.source());
        }
      }
      JsonNode labels = pod.path("metadata").path("labels");
      assertEquals(labels, w.path("spec").path("selector").path("matchLabels"), name);

      // The Service targets the mTLS port; the NetworkPolicy admits exactly that port.
      JsonNode svc = selecting(objects, "Service", labels, "selector");
      assertNotNull(svc, name + ": no Service selects it");
      assertEquals("LoadBalancer", svc.path("spec").path("type").asText(),
          name + ": members connect from other organisations, mutual TLS end to end");
      for (JsonNode p : svc.path("spec").path("ports")) {
        JsonNode target = p.path("targetPort");
        int port = target.isInt() ? target.asInt() : ports.getOrDefault(target.asText(), -1);
        assertEquals(cfg.port(), port, name + ": Service targets the listen port");
      }
      JsonNode np = selecting(objects, "NetworkPolicy", labels, "podSelector.matchLabels");
      assertNotNull(np, name + ": no NetworkPolicy selects it");
      assertEquals(List.of("Ingress", "Egress"), strings(np.path("spec").path("policyTypes")));
      Set<Integer> admitted = new TreeSet<>();
      for (JsonNode rule : np.path("spec").path("ingress")) {
        for (JsonNode p : rule.path("ports")) {
          int port = p.path("port").asInt();
          admitted.add(port);
          if (port == cfg.metricsPort()) {
            assertFalse(rule.path("from").isEmpty(),
                name + ": the plaintext metrics port is admitted from selected pods only");
          }
        }
      }
      assertEquals(Set.of(cfg.port(), cfg.metricsPort()), admitted,
          name + ": only the mTLS port, and the metrics port for monitoring, are admitted");
      assertTrue(np.path("spec").path("egress").isEmpty(), name + ": no egress");
    }
    assertEquals(4, workloads);
    assertEquals(Set.of("clearinghouse:statefulset", "keyholder:deployment"), roles);
  }

  @Test
  void composeFileIsConsistentWithTheConfigs() throws Exception {
    Path deploy = Repo.root().resolve("deploy");
    JsonNode compose = YAML.readTree(deploy.resolve("compose.yaml").toFile());
    JsonNode secrets = compose.path("secrets");
    secrets.fields().forEachRemaining(s -> assertTrue(
        s.getValue().path("file").asText().startsWith("./secrets/"),
        "secret " + s.getKey() + " is an operator file under ./secrets"));
    Set<String> namedVolumes = new HashSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(namedVolumes::add);
    Set<String> roles = new TreeSet<>();
    JsonNode anchor = compose.path("x-server");
    for (var it = compose.path("services").fields(); it.hasNext(); ) {
      var e = it.next();
      String name = "service " + e.getKey();
      JsonNode s = e.getValue();
      // The YAML merge key (<<: *server) is resolved by compose, not by this parser.
      JsonNode base = s.has("read_only") ? s : anchor;
      assertTrue(base.path("read_only").asBoolean(), name + ": read_only root");
      assertTrue(strings(base.path("tmpfs")).stream().anyMatch(
          t -> t.startsWith("/tmp:") && t.contains("exec") && !t.contains("noexec")),
          name + ": a tmpfs /tmp that allows exec (sqlite-jdbc's native library)");
      assertEquals(List.of("ALL"), strings(base.path("cap_drop")), name + ": cap_drop ALL");
      assertFalse(base.path("deploy").path("resources").path("limits").path("memory").asText()
          .isEmpty(), name + ": a memory limit (the heap follows it)");
      List<String> cmd = strings(s.path("command"));
      String role = cmd.get(1);
      roles.add(role);
      String configPath = cmd.get(cmd.indexOf("--config") + 1);
      Map<String, String> mounts = new HashMap<>(); // container path -> source
      for (JsonNode v : s.path("volumes")) {
        String[] parts = v.asText().split(":");
        mounts.put(parts[1], parts[0]);
        if (parts[0].startsWith(".")) {
          assertTrue(Files.isRegularFile(deploy.resolve(parts[0])),
              name + ": bind mount " + parts[0] + " exists");
        } else {
          assertTrue(namedVolumes.contains(parts[0]), name + ": volume " + parts[0]);
        }
      }
      Set<String> serviceSecrets = new HashSet<>(strings(s.path("secrets")));
      for (String sec : serviceSecrets) {
        assertTrue(secrets.has(sec), name + ": secret " + sec + " is declared");
      }
      String source = mounts.get(configPath);
      assertNotNull(source, name + ": --config " + configPath + " is mounted");
      Loaded cfg = load(role, Files.readString(deploy.resolve(source)),
          e.getKey() + ".yaml");
      for (Path p : cfg.files()) {
        String file = p.toString();
        boolean fromSecret = file.startsWith("/run/secrets/")
            && serviceSecrets.contains(file.substring("/run/secrets/".length()));
        assertTrue(fromSecret || mounts.containsKey(file),
            name + ": " + file + " is a secret or a mounted file");
      }
      assertTrue(mounts.entrySet().stream().anyMatch(m -> namedVolumes.contains(m.getValue())
              && cfg.dataDir().startsWith(m.getKey())),
          name + ": data_dir " + cfg.dataDir() + " is on a named volume");
      Set<Integer> published = new TreeSet<>();
      for (JsonNode p : s.path("ports")) {
        String[] parts = p.asText().split(":");
        published.add(Integer.parseInt(parts[parts.length - 1]));
      }
      assertEquals(Set.of(cfg.port()), published, name + ": publishes only the mTLS port");
      List<String> check = strings(s.path("healthcheck").path("test"));
      assertEquals(List.of("CMD", "env", "BLINDMATCH_JAVA_OPTS=-Xmx64m -XX:TieredStopAtLevel=1",
          "/opt/blindmatch/bin/blindmatch", "health", role, "--config", configPath,
          "--timeout-seconds", "25"), check,
          name + ": healthcheck (a small client JVM)");
    }
    assertEquals(Set.of("clearinghouse", "keyholder"), roles);
    anchor.path("environment").fields().forEachRemaining(v -> {
      assertTrue(LAUNCHER_ENV.contains(v.getKey()),
          "environment " + v.getKey() + " is not read by bin/blindmatch");
      assertHeapFollowsLimit("compose", v.getValue().asText());
    });
  }

  private static void assertHeapFollowsLimit(String where, String javaOpts) {
    if (javaOpts.contains("-X")) {
      assertFalse(javaOpts.matches(".*-Xmx\\S+.*"), where + ": a fixed heap (" + javaOpts + ")");
      assertTrue(javaOpts.contains("-XX:MaxRAMPercentage="), where + ": MaxRAMPercentage");
    }
  }

  @Test
  void dockerBuildContextAndImageArePinnedAndClean() throws Exception {
    String df = Files.readString(Repo.root().resolve("deploy/Dockerfile"));
    Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(df);
    assertTrue(from.find());
    assertTrue(from.group(1).matches("[^@\\s]+@sha256:[0-9a-f]{64}"),
        "the base image is pinned by digest: " + from.group(1));
    for (String label : List.of("title", "description", "version")) {
      assertTrue(df.contains("org.opencontainers.image." + label + "="), "OCI label " + label);
    }
    // The build context is deploy/: it holds the operator's secrets/ and build output.
    List<String> ignore = Files.readAllLines(Repo.root().resolve("deploy/.dockerignore"))
        .stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertEquals("*", ignore.get(0), ".dockerignore excludes everything first");
    for (String l : ignore.subList(1, ignore.size())) {
      assertTrue(l.startsWith("!target/blindmatch-") && l.endsWith(".tar.gz"),
          ".dockerignore lets in only the distribution archive: " + l);
    }
    Matcher env = Pattern.compile("(?m)^ENV (\\w+)=\"([^\"]*)\"").matcher(df);
    while (env.find()) {
      assertHeapFollowsLimit("Dockerfile", env.group(2));
    }
  }

  @Test
  void dockerfileRunsTheDistributionAsNonRoot() throws Exception {
    String df = Files.readString(Repo.root().resolve("deploy/Dockerfile"));
    Matcher user = Pattern.compile("(?m)^USER (\\d+)").matcher(df);
    assertTrue(user.find() && Integer.parseInt(user.group(1)) != 0, "USER is a non-root uid");
    assertTrue(df.contains("ENTRYPOINT [\"/opt/blindmatch/bin/blindmatch\"]"));
    assertTrue(Files.isRegularFile(Repo.root().resolve("deploy/src/dist/bin/blindmatch")));
    Matcher env = Pattern.compile("(?m)^ENV (\\w+)=").matcher(df);
    while (env.find()) {
      assertTrue(LAUNCHER_ENV.contains(env.group(1)), "ENV " + env.group(1));
    }
    Matcher expose = Pattern.compile("(?m)^EXPOSE (.*)$").matcher(df);
    assertTrue(expose.find());
    Set<Integer> exposed = new TreeSet<>();
    for (String p : expose.group(1).trim().split("\\s+")) {
      exposed.add(Integer.parseInt(p));
    }
    Path conf = Repo.conf();
    ClearinghouseConfig ch = ClearinghouseConfig.load(conf.resolve("clearinghouse.yaml"));
    KeyholderConfig kh = KeyholderConfig.load(conf.resolve("keyholder.yaml"), null);
    assertEquals(Set.of(ch.port(), ch.healthListen().port(), ch.metricsListen().port(),
        kh.port(), kh.healthListen().port(), kh.metricsListen().port()),
        exposed, "EXPOSE lists the example configs' ports");
  }

  @Test
  void launcherEnvironmentIsDocumented() throws Exception {
    String ops = Files.readString(Repo.root().resolve("docs/OPERATIONS.md"));
    String launcher = Files.readString(Repo.root().resolve("deploy/src/dist/bin/blindmatch"));
    for (String v : LAUNCHER_ENV) {
      assertTrue(launcher.contains(v), "bin/blindmatch reads " + v);
      assertTrue(ops.contains("`" + v + "`"), "OPERATIONS.md documents " + v);
    }
  }

  /** What provides {@code path} inside a container: kind and, for files, the content. */
  private record Provided(String kind, String source, String content) {}

  private static String text(Provided p) {
    assertNotNull(p.content(), "a config file with content");
    return p.content();
  }

  private static Provided provider(String workload, String path, JsonNode container,
      Map<String, JsonNode> volumes, Set<String> claimTemplates, Map<String, JsonNode> objects) {
    JsonNode best = null;
    for (JsonNode m : container.path("volumeMounts")) {
      String mp = m.path("mountPath").asText();
      if ((path.equals(mp) || path.startsWith(mp + "/"))
          && (best == null || mp.length() > best.path("mountPath").asText().length())) {
        best = m;
      }
    }
    assertNotNull(best, workload + ": nothing is mounted at " + path);
    String volume = best.path("name").asText();
    String rel = path.substring(Math.min(path.length(),
        best.path("mountPath").asText().length() + 1));
    if (claimTemplates.contains(volume)) {
      return new Provided("persistent", volume, null);
    }
    JsonNode v = volumes.get(volume);
    assertNotNull(v, workload + ": volume " + volume + " is not declared");
    if (v.has("persistentVolumeClaim")) {
      String claim = v.path("persistentVolumeClaim").path("claimName").asText();
      assertTrue(objects.containsKey("PersistentVolumeClaim/" + claim), workload + ": " + claim);
      return new Provided("persistent", claim, null);
    }
    if (v.has("secret")) {
      String secret = v.path("secret").path("secretName").asText();
      JsonNode s = objects.get("Secret/" + secret);
      assertNotNull(s, workload + ": Secret " + secret + " is not defined");
      assertTrue(s.path("stringData").has(rel) || s.path("data").has(rel),
          workload + ": Secret " + secret + " has no key " + rel + " (for " + path + ")");
      return new Provided("secret", secret, null);
    }
    if (v.has("configMap")) {
      String cm = v.path("configMap").path("name").asText();
      JsonNode map = objects.get("ConfigMap/" + cm);
      assertNotNull(map, workload + ": ConfigMap " + cm + " is not defined");
      assertTrue(map.path("data").has(rel),
          workload + ": ConfigMap " + cm + " has no key " + rel + " (for " + path + ")");
      return new Provided("configMap", cm, map.path("data").path(rel).asText());
    }
    return new Provided(v.has("emptyDir") ? "emptyDir" : "other", volume, null);
  }

  private static JsonNode selecting(Map<String, JsonNode> objects, String kind, JsonNode labels,
      String selectorPath) {
    for (JsonNode o : objects.values()) {
      if (!o.path("kind").asText().equals(kind)) {
        continue;
      }
      JsonNode sel = o.path("spec");
      for (String part : selectorPath.split("\\.")) {
        sel = sel.path(part);
      }
      if (sel.equals(labels)) {
        return o;
      }
    }
    return null;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
