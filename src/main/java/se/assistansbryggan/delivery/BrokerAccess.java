package se.assistansbryggan.delivery;

import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Where the broker is and as whom the gateway connects to it: the embedded broker's in-VM URL and
 * internal user, or an external broker's URL and user. The one place that makes the gateway's
 * broker connections.
 */
public record BrokerAccess(String url, String user, String password) {

    /** A factory for connections made per call or per thread. */
    public ActiveMQConnectionFactory factory() {
        return new ActiveMQConnectionFactory(url, user, password);
    }

    /** A factory for a long-lived listener: its connection reconnects (and fails over) for as long as the gateway runs. */
    public ActiveMQConnectionFactory reconnectingFactory() {
        return new ActiveMQConnectionFactory(url + (url.contains("?") ? "&" : "?") + "reconnectAttempts=-1", user, password);
    }

    /** A Core locator, for work below JMS (creating queues on an external broker). */
    public ServerLocator locator() throws Exception {
        return ActiveMQClient.createServerLocator(url);
    }

    @Override
    public String toString() {
        return "BrokerAccess[" + url + " as " + user + "]";
    }
}
