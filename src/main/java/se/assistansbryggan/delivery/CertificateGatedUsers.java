package se.assistansbryggan.delivery;

import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.function.Consumer;
import javax.security.auth.Subject;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.NoCacheLoginException;
import org.apache.activemq.artemis.utils.CertificateUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's users, behind the gateway's trust gate: a connection that presents a TLS client
 * certificate (an acceptor with {@code needClientAuth} or {@code wantClientAuth}) logs in only if
 * that certificate passes the same checks as on every other door, revocation included; the TLS
 * layer of the acceptor only checks that it chains to a trusted CA. Then the users decide as
 * before (a password per party).
 */
final class CertificateGatedUsers implements ActiveMQSecurityManager5 {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateGatedUsers.class);
    private final ActiveMQSecurityManager5 users;
    private final Consumer<X509Certificate[]> gate;

    /** @param gate throws for a certificate chain that must not log in */
    CertificateGatedUsers(ActiveMQSecurityManager5 users, Consumer<X509Certificate[]> gate) {
        this.users = users;
        this.gate = gate;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain)
            throws NoCacheLoginException {
        X509Certificate[] chain = connection == null ? null : CertificateUtil.getCertsFromConnection(connection);
        if (chain != null && chain.length > 0) {
            try {
                gate.accept(chain);
            } catch (RuntimeException refused) {
                LOG.info("broker login refused for {}: {}", chain[0].getSubjectX500Principal().getName(), refused.getMessage());
                return null;
            }
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
