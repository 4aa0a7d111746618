// Reads messages from a party's queue over AMQP 1.0 and prints them; acknowledges each one
// only after it is printed, so nothing is lost if this process dies in between.
// Usage: node consume.js <queue> <user> <password> [host] [port] [count]
const rhea = require('rhea');

const [queue, user, password, host = '127.0.0.1', port = '61616', count = '1'] = process.argv.slice(2);
if (!queue || !user || !password) {
  console.error('usage: node consume.js <queue> <user> <password> [host] [port] [count]');
  process.exit(2);
}

let left = Number(count);
const container = rhea.create_container();
container.on('message', (context) => {
  const props = context.message.application_properties || {};
  console.error(`message ${props.AbMessageId} type ${props.AbMessageType} rules ${props.AbRules}`);
  try {
    console.log(context.message.body);
    context.delivery.accept();
  } catch (failure) {
    // Could not handle it: say so with modified delivery-failed. The broker offers it again with back-off and,
    // after gateway.broker.redelivery.max-attempts, moves it to DLQ.<queue> for the operators. reject() sends it
    // there at once (for a message that can never be handled); a plain release() means "not processed, try again":
    // the gateway's embedded broker counts those as failed attempts too, an external broker does not.
    console.error('could not handle the message:', failure);
    context.delivery.release({ delivery_failed: true });
  }
  if (--left <= 0) {
    context.connection.close();
  }
});
container.on('error', (context) => {
  console.error('error:', context.error || context);
  process.exitCode = 1;
});
const timer = setTimeout(() => {
  console.error(`no message on ${queue}`);
  process.exit(3);
}, 10000);
container.on('connection_close', () => clearTimeout(timer));

container
  .connect({ host, port: Number(port), username: user, password, reconnect: false })
  .open_receiver({ source: { address: queue }, autoaccept: false, credit_window: Number(count) });
