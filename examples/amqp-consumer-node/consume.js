// Reads messages from a party's queue over AMQP 1.0 and prints them; acknowledges each one
// only after it is printed, so nothing is lost if this process dies in between.
// Usage: node consume.js <queue> --cert <party.pem> [host] [port] [count]   (TLS, the certificate is the login)
//        node consume.js <queue> <user> <password> [host] [port] [count]    (a broker password)
// The PEM holds the party's certificate and key (./bryggan sample-pki --party <id> writes one beside the .p12).
const fs = require('fs');
const path = require('path');
const rhea = require('rhea');

const args = process.argv.slice(2);
const queue = args[0];
const withCertificate = args[1] === '--cert';
const [first, second, host = '127.0.0.1', port = withCertificate ? '61617' : '61616', count = '1'] = args.slice(1);
if (!queue || !first || !second) {
  console.error('usage: node consume.js <queue> --cert <party.pem> [host] [port] [count]\n'
    + '       node consume.js <queue> <user> <password> [host] [port] [count]');
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

let options = { host, port: Number(port), reconnect: false };
if (withCertificate) {
  // TLS with the party's certificate, SASL EXTERNAL: no user name, no password; the broker's certificate is checked
  // against the sample root CA (in production: the CA that issued the gateway's)
  const pem = fs.readFileSync(second);
  const ca = fs.readFileSync(path.join(path.dirname(second), 'root-ca.crt'));
  options = { ...options, transport: 'tls', cert: pem, key: pem, ca, enable_sasl_external: true };
} else {
  options = { ...options, username: first, password: second };
}
container
  .connect(options)
  .open_receiver({ source: { address: queue }, autoaccept: false, credit_window: Number(count) });
