package se.assistansbryggan.delivery;

import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.security.auth.Subject;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.NoCacheLoginException;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.apache.activemq.artemis.utils.CertificateUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's users, behind the gateway's trust gate. A connection that presents a TLS client
 * certificate (an acceptor with {@code needClientAuth} or {@code wantClientAuth}) logs in only if
 * that certificate passes the same checks as on every other door, revocation included; the TLS
 * layer of the acceptor only checks that it chains to a trusted CA. With no user name (AMQP SASL
 * EXTERNAL, or Core over TLS without credentials) the certificate is the login: the user is the
 * party whose organisation the certificate names, with that party's role, so it reads only its own
 * queues. A party with a configured password may log in with it too; with a certificate as well,
 * the two must name the same party.
 */
final class CertificateGatedUsers implements ActiveMQSecurityManager5 {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateGatedUsers.class);
    private final ActiveMQSecurityManager5 users;
    private final Consumer<X509Certificate[]> gate;
    private final Function<X509Certificate, Optional<String>> partyOf;

    /**
     * @param gate throws for a certificate chain that must not log in
     * @param partyOf the party (its id, which is also its role) whose organisation a certificate names
     */
    CertificateGatedUsers(ActiveMQSecurityManager5 users, Consumer<X509Certificate[]> gate,
            Function<X509Certificate, Optional<String>> partyOf) {
        this.users = users;
        this.gate = gate;
        this.partyOf = partyOf;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain)
            throws NoCacheLoginException {
        X509Certificate[] chain = connection == null ? null : CertificateUtil.getCertsFromConnection(connection);
        if (chain == null || chain.length == 0) {
            return users.authenticate(user, password, connection, securityDomain);
        }
        String subject = chain[0].getSubjectX500Principal().getName();
        try {
            gate.accept(chain);
        } catch (RuntimeException refused) {
            LOG.info("broker login refused for {}: {}", subject, refused.getMessage());
            return null;
        }
        Optional<String> party = partyOf.apply(chain[0]);
        // SASL EXTERNAL names the certificate's subject as the user
        if (user == null || user.isEmpty() || user.equals(chain[0].getSubjectX500Principal().getName())) {
            if (party.isEmpty()) {
                LOG.info("broker login refused for {}: its organisation is not a party of the directory", subject);
                return null;
            }
            Subject login = new Subject();
            login.getPrincipals().add(new UserPrincipal(party.get()));
            login.getPrincipals().add(new RolePrincipal(party.get()));
            return login;
        }
        if (party.isPresent() && !party.get().equals(user)) {
            LOG.info("broker login refused for {}: the certificate is {}'s, the user {}", subject, party.get(), user);
            return null;
        }
        return users.authenticate(user, password, connection, securityDomain);
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        return users.authorize(subject, roles, checkType, address);
    }

    @Override
    public boolean validateUser(String user, String password) {
        return users.validateUser(user, password);
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return users.validateUserAndRole(user, password, roles, checkType);
    }

    @Override
    public String getUserFromSubject(Subject subject) {
        return users.getUserFromSubject(subject);
    }
}
