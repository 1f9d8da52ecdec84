// A message to a 100-member group (protocol §7), each member with one device and one open stream:
// the relay checks 100 wrapped keys against every member's current certificate, stores once and
// wakes 100 streams. Goals: accepted p99 < 50 ms, and send→receive p99 < 50 ms over the arrivals
// on all 100 streams. Baseline: 1:1 messages between two of the same people, with the same 100
// streams open, in the same run. And what the envelope costs per member.
import { benchServer } from './lib/server.ts';
import { openStreams } from './lib/sse-clients.ts';
import { enrollMany, envelopeV2, logIn } from './lib/users.ts';
import { quantile, report, sleep } from './lib/stats.ts';
import { postJson } from '../test/helpers/users.ts';

const MEMBERS = 100;
const MESSAGES = 150;
/** Sent first at the same rate, not timed (the first messages compile the path). */
const WARMUP = 30;
const RATE = 10;

const server = await benchServer();
try {
  const users = await enrollMany(server.url, MEMBERS, 'grp');
  for (const u of users) await logIn(server.url, u);
  const [sender, peer, ...rest] = users;
  const created = await postJson(`${server.url}/api/v1/groups`, { name: 'Bench', members: [peer, ...rest].map((u) => u.login) }, { authorization: `Bearer ${sender.token}` });
  if (created.status !== 201) throw new Error(`group ${created.status} ${JSON.stringify(created.json)}`);
  const group = created.json as { id: string; epoch: number };
  const serials = users.map((u) => u.serial);

  // One stream per member; stream i is users[i]'s.
  const streams = await openStreams({ url: server.url, tokens: users.map((u) => u.token!), opening: 50 });
  if (streams.ready !== MEMBERS) throw new Error(`only ${streams.ready} of ${MEMBERS} streams opened`);
  await sleep(500);

  const groupBodies = Array.from({ length: WARMUP + MESSAGES }, () => JSON.stringify(envelopeV2(sender, `group:${group.id}`, serials, group.epoch)));
  const oneBodies = Array.from({ length: WARMUP + MESSAGES }, () => JSON.stringify(envelopeV2(sender, peer.login, [sender.serial, peer.serial])));
  // The 1:1 first, then the group: each alone on the server, the same streams open for both.
  const one = await streams.probe({ stream: 1, senderToken: sender.token!, bodies: oneBodies, rate: RATE, warmup: WARMUP });
  const all = users.map((_, i) => i);
  const grp = await streams.probe({ stream: all, senderToken: sender.token!, bodies: groupBodies, rate: RATE, warmup: WARMUP });
  await streams.close();

  const acceptP99 = quantile(grp.accept, 0.99);
  const receiveP99 = quantile(grp.receive, 0.99);
  const oneAccept = quantile(one.accept, 0.99);
  const oneReceive = quantile(one.receive, 0.99);
  const groupSize = Buffer.byteLength(groupBodies[0]);
  const oneSize = Buffer.byteLength(oneBodies[0]);
  const complete = grp.accept.length === MESSAGES && grp.lost === 0 && one.lost === 0;
  report({
    bench: 'groups',
    title: `A message to a ${MEMBERS}-member group (${MEMBERS} devices, ${MEMBERS} open streams) against a 1:1 message, in the same run`,
    metrics: [
      {
        name: `accept p99 at ${RATE} msgs/s, ${MEMBERS}-member group`,
        value: acceptP99,
        unit: 'ms',
        baseline: { name: '1:1 accept p99', value: oneAccept, unit: 'ms' },
        ratio: acceptP99 / oneAccept,
        goal: '< 50 ms',
        pass: complete && acceptP99 < 50,
      },
      {
        name: `send→receive p99 over all ${MEMBERS} streams`,
        value: receiveP99,
        unit: 'ms',
        baseline: { name: '1:1 send→receive p99', value: oneReceive, unit: 'ms' },
        ratio: receiveP99 / oneReceive,
        goal: '< 50 ms',
        pass: complete && receiveP99 < 50,
      },
      {
        name: 'request body per member',
        value: groupSize / MEMBERS,
        unit: 'B',
        baseline: { name: '1:1 body per person', value: oneSize / 2, unit: 'B' },
        ratio: groupSize / MEMBERS / (oneSize / 2),
        goal: 'none: ~390 B of base64 and serial per wrapped key',
        pass: true,
      },
    ],
    notes: [
      `group: ${grp.accept.length}/${MESSAGES} accepted, ${grp.receive.length} arrivals, ${grp.lost} lost; accept p50 ${quantile(grp.accept, 0.5).toFixed(2)} ms, receive p50 ${quantile(grp.receive, 0.5).toFixed(2)} ms`,
      `1:1: ${one.accept.length}/${MESSAGES} accepted, ${one.lost} lost; accept p50 ${quantile(one.accept, 0.5).toFixed(2)} ms, receive p50 ${quantile(one.receive, 0.5).toFixed(2)} ms`,
      `bodies: group ${groupSize} B, 1:1 ${oneSize} B`,
    ],
  });
} finally {
  await server.stop();
}
