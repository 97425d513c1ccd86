package dev.fedge.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Opens SSH sessions to inventory hosts with Apache MINA SSHD: public-key authentication with the
 * host's key file or the usual {@code ~/.ssh/id_*} keys, host keys checked by {@link KnownHosts},
 * every step bounded by {@link SshOptions#connectTimeout()}. One connector serves many hosts in
 * parallel; close it when done.
 */
public final class SshConnector implements AutoCloseable {

  private static final AttributeKey<Target> TARGET = new AttributeKey<>();

  private final SshOptions options;
  private final KnownHosts knownHosts;
  private final SshClient client;
  private final Map<Path, List<KeyPair>> keys = new ConcurrentHashMap<>();

  /**
   * Where a session is going, attached to it so the host key check knows the inventory address;
   * it also carries back what the check found (session attributes are cleared on close).
   */
  private static final class Target {
    final String address;
    final int port;
    volatile String problem;
    volatile String note;

    Target(String address, int port) {
      this.address = address;
      this.port = port;
    }
  }

  /** A started connector. */
  public SshConnector(SshOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.knownHosts = new KnownHosts(options.knownHosts(), options.acceptNewHostKeys());
    client = SshClient.setUpDefaultClient();
    client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
    client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
    client.setFilePasswordProvider(FilePasswordProvider.EMPTY);
    client.setServerKeyVerifier(
        (session, remote, key) -> {
          Target t = target(session);
          if (t == null) {
            return false;
          }
          KnownHosts.Verdict v = knownHosts.check(t.address, t.port, key);
          if (v.status() == KnownHosts.Status.ADDED) {
            t.note = v.message();
          } else if (!v.status().accepted()) {
            t.problem = v.message();
          }
          return v.status().accepted();
        });
    client.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionCreated(Session session) {
            if (session instanceof ClientSession cs) {
              preferKnownKeyTypes(cs);
            }
          }
        });
    client.start();
  }

  /** The options this connector was made with. */
  public SshOptions options() {
    return options;
  }

  /**
   * Connects, checks the host key and logs in.
   *
   * @param host the host; its {@code ansible_host}, {@code ansible_port}, {@code ansible_user} and
   *     {@code ansible_ssh_private_key_file} are used
   * @return an authenticated session
   * @throws HostUnreachableException with a one-line reason when any step fails or times out
   */
  public RemoteSession open(Host host) throws HostUnreachableException {
    String user = host.user().orElse(options.defaultUser());
    String where = user + "@" + host.address() + ":" + host.port();
    long timeout = options.connectTimeout().toMillis();
    long seconds = RemoteSession.seconds(options.connectTimeout());
    List<Path> identityFiles = options.identitiesFor(host);
    if (identityFiles.isEmpty()) {
      throw new HostUnreachableException("no private key to log in with: none of ~/.ssh/id_ed25519,"
          + " ~/.ssh/id_rsa, ~/.ssh/id_ecdsa exists; pass --private-key or set"
          + " ansible_ssh_private_key_file");
    }
    List<KeyPair> identities = new ArrayList<>();
    for (Path p : identityFiles) {
      identities.addAll(load(p));
    }
    Target target = new Target(host.address(), host.port());
    ClientSession session;
    try {
      ConnectFuture cf = client.connect(user, host.address(), host.port(),
          AttributeRepository.ofKeyValuePair(TARGET, target));
      if (!cf.await(timeout)) {
        cf.cancel();
        throw new HostUnreachableException("connect to " + host.address() + ":" + host.port()
            + " timed out after " + seconds + " s");
      }
      if (cf.getException() != null) {
        throw new HostUnreachableException("connect to " + host.address() + ":" + host.port()
            + " failed: " + reason(cf.getException()), cf.getException());
      }
      session = cf.getSession();
    } catch (IOException e) {
      if (e instanceof HostUnreachableException h) {
        throw h;
      }
      throw new HostUnreachableException("connect to " + host.address() + ":" + host.port()
          + " failed: " + reason(e), e);
    }
    try {
      identities.forEach(session::addPublicKeyIdentity);
      var auth = session.auth();
      if (!auth.await(timeout)) {
        String problem = target.problem;
        throw new HostUnreachableException(problem != null ? problem
            : "SSH handshake with " + where + " timed out after " + seconds + " s");
      }
      if (!auth.isSuccess()) {
        String problem = target.problem;
        if (problem != null) {
          throw new HostUnreachableException(problem);
        }
        Throwable ex = auth.getException();
        String why = ex == null ? "" : reason(ex);
        if (ex == null || why.contains("No more authentication methods")) {
          throw new HostUnreachableException("Permission denied (publickey) for " + where
              + " with key " + identityFiles.stream().map(Path::toString)
                  .collect(Collectors.joining(", ")));
        }
        throw new HostUnreachableException("SSH login to " + where + " failed: " + why, ex);
      }
      return new RemoteSession(host, session, options.commandTimeout(),
          target.note);
    } catch (IOException | RuntimeException e) {
      session.close(true);
      if (e instanceof HostUnreachableException h) {
        throw h;
      }
      String problem = target.problem;
      throw new HostUnreachableException(problem != null ? problem
          : "SSH login to " + where + " failed: " + reason(e), e);
    }
  }

  private List<KeyPair> load(Path file) throws HostUnreachableException {
    List<KeyPair> cached = keys.get(file);
    if (cached != null) {
      return cached;
    }
    List<KeyPair> loaded = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> ids = SecurityUtils.loadKeyPairIdentities(
          null, NamedResource.ofName(file.toString()), in, FilePasswordProvider.EMPTY);
      if (ids != null) {
        ids.forEach(loaded::add);
      }
    } catch (NoSuchFileException e) {
      throw new HostUnreachableException("private key file not found: " + file);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.toLowerCase(java.util.Locale.ROOT).contains("password")
          || msg.toLowerCase(java.util.Locale.ROOT).contains("encrypt")) {
        throw new HostUnreachableException("private key " + file + " is encrypted; passphrases"
            + " are not supported, use a key without one for the fleet", e);
      }
      throw new HostUnreachableException("cannot read private key " + file + ": " + msg, e);
    }
    if (loaded.isEmpty()) {
      throw new HostUnreachableException("no key found in private key file " + file);
    }
    keys.put(file, List.copyOf(loaded));
    return loaded;
  }

  private static Target target(ClientSession session) {
    AttributeRepository ctx = session.getConnectionContext();
    return ctx == null ? null : ctx.getAttribute(TARGET);
  }

  /** Puts the host key algorithms known_hosts has keys of first, as OpenSSH does. */
  private void preferKnownKeyTypes(ClientSession session) {
    Target t = target(session);
    if (t == null) {
      return;
    }
    Set<String> known = knownHosts.knownKeyTypes(t.address, t.port);
    if (known.isEmpty()) {
      return;
    }
    List<NamedFactory<Signature>> factories = new ArrayList<>(session.getSignatureFactories());
    factories.sort(Comparator.comparingInt(f -> matches(known, f.getName()) ? 0 : 1));
    session.setSignatureFactories(factories);
  }

  private static boolean matches(Set<String> keyTypes, String algorithm) {
    if (keyTypes.contains(algorithm)) {
      return true;
    }
    return keyTypes.contains("ssh-rsa")
        && (algorithm.equals("rsa-sha2-512") || algorithm.equals("rsa-sha2-256"));
  }

  /** The most telling message of an exception chain, e.g. "Connection refused". */
  static String reason(Throwable e) {
    Throwable t = e;
    while (t != null) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return t.getMessage() == null ? "connection refused" : t.getMessage();
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + t.getMessage();
      }
      if (t.getCause() == null || t.getCause() == t) {
        break;
      }
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return msg.replace('\n', ' ');
  }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (RuntimeException e) {
      // stopping anyway
    }
  }
}
