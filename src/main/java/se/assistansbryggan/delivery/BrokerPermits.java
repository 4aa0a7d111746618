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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import se.assistansbryggan.message.Organisationsnummer;
import se.assistansbryggan.message.PermitStatus;

/**
 * The providers' permit statuses, kept in the broker: one message per provider on the last-value
 * queue {@value #QUEUE} (keyed by organisation number), written in the transaction that accepts
 * IVO's PERMIT_REVOCATION, so every gateway instance sees the same statuses and they survive
 * restarts. Read by browsing, at most every {@value #FRESH_MILLIS} ms.
 */
public final class BrokerPermits implements PermitStatus.Register, AutoCloseable {
    public static final String QUEUE = "gateway.permits";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerPermits.class);
    private static final long FRESH_MILLIS = 1_000;
    private final ActiveMQConnectionFactory factory;
    private Connection connection;
    private Map<Organisationsnummer, PermitStatus> known = Map.of();
    private long readAt;

    public BrokerPermits(BrokerAccess broker) {
        this.factory = broker.factory();
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

    @Override
    public Optional<PermitStatus> of(Organisationsnummer provider) {
        return Optional.ofNullable(all().get(provider));
    }

    /** Every recorded status, by provider. */
    public synchronized Map<Organisationsnummer, PermitStatus> all() {
        if (System.currentTimeMillis() - readAt > FRESH_MILLIS) {
            try {
                known = read();
                readAt = System.currentTimeMillis();
            } catch (JMSException | RuntimeException e) {
                // the last statuses read stand until the broker answers again; a lost connection is made anew
                LOG.warn("the providers' permit statuses could not be read: {}", e.getMessage());
                closeConnection();
            }
        }
        return known;
    }

    private Map<Organisationsnummer, PermitStatus> read() throws JMSException {
        if (connection == null) {
            connection = factory.createConnection();
            connection.start();
        }
        Map<Organisationsnummer, PermitStatus> statuses = new LinkedHashMap<>();
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = session.createBrowser(session.createQueue(QUEUE))) {
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
