package se.assistansbryggan.delivery;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * What the gateway's own listeners on the broker share: one connection that reconnects (and
 * fails over) for as long as the gateway runs, closed with the gateway.
 */
abstract class BrokerListener implements AutoCloseable {
    private final ActiveMQConnectionFactory factory;
    private Connection connection;

    BrokerListener(BrokerAccess broker) {
        this.factory = broker.reconnectingFactory();
    }

    /** The listener's connection, made on the first call. */
    protected Connection connection() throws JMSException {
        if (connection == null) {
            connection = factory.createConnection();
        }
        return connection;
    }

    @Override
    public void close() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (JMSException ignored) {
            // closing anyway
        }
        factory.close();
    }
}
