package se.assistansbryggan.delivery;

import java.util.Map;
import java.util.function.Predicate;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.filter.Filter;
import org.apache.activemq.artemis.selector.filter.Filterable;

/** A broker filter that matches the messages a test in Java says, for deleting them from a queue the broker holds. */
record Matching(String name, Predicate<Message> test) implements Filter {
    @Override
    public boolean match(Message message) {
        return test.test(message);
    }

    @Override
    public boolean match(Map<String, String> map) {
        return false;
    }

    @Override
    public boolean match(Filterable filterable) {
        return false;
    }

    @Override
    public SimpleString getFilterString() {
        return SimpleString.of(name);
    }
}
