package se.assistansbryggan.app;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import se.assistansbryggan.metrics.GatewayMetrics;

/**
 * Meters each station of the routes: the CPU its bean used on the request's thread, counted
 * under the bean's package (intake, trust, policy, transform, delivery), the stations the code
 * is organised by. Thread CPU, not time: a station waiting on the broker costs what it computes.
 * One call in {@value #SAMPLED} of each station is metered and counts {@value #SAMPLED} times
 * (the first always): reading a thread's CPU clock is a system call, and two per station and
 * message took about 1 % of the machine, more than some stations themselves.
 */
final class StationCpu implements InterceptStrategy {
    static final int SAMPLED = 8;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final GatewayMetrics metrics;

    StationCpu(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        if (!THREADS.isCurrentThreadCpuTimeSupported() || !(definition instanceof ToDefinition to) || !to.getUri().startsWith("bean:")) {
            return target;
        }
        String bean = to.getUri().substring("bean:".length()).split("\\?", 2)[0];
        Object station = context.getRegistry().lookupByName(bean);
        if (station == null) {
            return target;
        }
        String name = station.getClass().getPackageName();
        return new Metered(target, name.substring(name.lastIndexOf('.') + 1));
    }

    private final class Metered extends DelegateAsyncProcessor {
        private final String station;
        private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();

        Metered(Processor target, String station) {
            super(target);
            this.station = station;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            if (calls.getAndIncrement() % SAMPLED != 0) {
                return super.process(exchange, callback);
            }
            long start = THREADS.getCurrentThreadCpuTime();
            return super.process(exchange, doneSync -> {
                // the stations are synchronous beans; one that went asynchronous finished on another thread, not counted
                if (doneSync) {
                    metrics.stationCpu(station, SAMPLED * (THREADS.getCurrentThreadCpuTime() - start));
                }
                callback.done(doneSync);
            });
        }
    }
}
