package se.assistansbryggan.delivery;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.PermitStatus;

/**
 * The providers' permit statuses, kept in the broker: one message per provider on the last-value
 * queue {@value #QUEUE} (keyed by organisation number), written in the transaction that accepts
 * IVO's PERMIT_REVOCATION, so every gateway instance sees the same statuses and they survive
 * restarts. Read by browsing when a message concerns a provider, and for operators.
 */
public final class BrokerPermits implements PermitStatus.Register, AutoCloseable {
    public static final String QUEUE = "gateway.permits";
    private final ActiveMQConnectionFactory factory;
    private Connection connection;

    public BrokerPermits(BrokerAccess broker) {
        this.factory = broker.factory();
        // a read the broker does not answer fails within seconds, not after the client's 30 s default
        this.factory.setCallTimeout(5_000);
        this.factory.setCallFailoverTimeout(5_000);
    }

    /** The message that records a provider's status, to be committed with the revocation's deliveries. */
    public static Handoff.Delivery record(PermitStatus status) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("_AMQ_LVQ_NAME", status.provider().value());
        properties.put("AbProvider", status.provider().value());
        properties.put("AbPermitStatus", status.status().name());
        properties.put("AbGraceEnds", status.graceEnds() == null ? "" : status.graceEnds().toString());
        properties.put("AbRevocationId", status.revocationId());
        properties.put("AbRecordedAt", status.recordedAt().toString());
        return new Handoff.Delivery(QUEUE, "", properties, 4, 0);
    }

    /**
     * The provider's status as the broker holds it now (a browse with a selector, no cache: a
     * referral accepted just after a revocation, on any instance, is marked). A broker that does
     * not answer fails the message as BROKER_UNAVAILABLE rather than deliver it unmarked.
     */
    @Override
    public Optional<PermitStatus> of(Organisationsnummer provider) {
        try {
            return read("AbProvider = '" + provider.value() + "'").values().stream().findFirst();
        } catch (JMSException | RuntimeException e) {
            dropConnection();
            throw se.assistansbryggan.message.Refusal.BROKER_UNAVAILABLE.because("the providers' permit statuses could not be read", e);
        }
    }

    /** Every recorded status, by provider; IllegalStateException when the broker does not answer. */
    public Map<Organisationsnummer, PermitStatus> all() {
        try {
            return read(null);
        } catch (JMSException | RuntimeException e) {
            dropConnection();
            throw new IllegalStateException("the providers' permit statuses could not be read: " + e.getMessage(), e);
        }
    }

    private Map<Organisationsnummer, PermitStatus> read(String selector) throws JMSException {
        Map<Organisationsnummer, PermitStatus> statuses = new LinkedHashMap<>();
        try (Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(QUEUE), selector)) {
            for (Object o : Collections.list(browser.getEnumeration())) {
                Message m = (Message) o;
                Organisationsnummer provider = Organisationsnummer.of(m.getStringProperty("AbProvider"));
                String grace = m.getStringProperty("AbGraceEnds");
                statuses.put(provider, new PermitStatus(provider, PermitStatus.Status.valueOf(m.getStringProperty("AbPermitStatus")),
                        grace == null || grace.isEmpty() ? null : LocalDate.parse(grace), m.getStringProperty("AbRevocationId"),
                        Instant.parse(m.getStringProperty("AbRecordedAt"))));
            }
        }
        return Map.copyOf(statuses);
    }

    /** The shared connection, made on first use; each read has its own session, so reads do not wait on each other. */
    private synchronized Connection connection() throws JMSException {
        if (connection == null) {
            Connection made = factory.createConnection();
            made.start();
            connection = made;
        }
        return connection;
    }

    private synchronized void dropConnection() {
        closeConnection();
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (JMSException ignored) {
            // already gone
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        closeConnection();
    }
}
