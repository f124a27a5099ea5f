// The string formats of structural schemas, as the API server checks them (kube-openapi strfmt,
// backed by Go's net.ParseIP / ParseCIDR).
import { compileJsonSchema } from '../../lib/core/validation/schema';

const valid = (format: string, value: string) => compileJsonSchema({ type: 'string', format })(value) === true;

test('ipv4 and cidr: four decimal octets without leading zeros (Go net.ParseIP since 1.17)', () => {
  expect(['10.0.0.1', '0.0.0.0', '255.255.255.255', '192.168.1.10'].map((v) => valid('ipv4', v))).toEqual([true, true, true, true]);
  expect(['010.0.0.1', '10.0.0.01', '256.0.0.1', '10.0.0', '1e1.0.0.1', ' 10.0.0.1'].map((v) => valid('ipv4', v))).toEqual([false, false, false, false, false, false]);
  expect(['10.0.0.0/16', '0.0.0.0/0', 'fd00::/8'].map((v) => valid('cidr', v))).toEqual([true, true, true]);
  expect(['010.0.0.0/16', '10.0.0.0/33', '10.0.0.0'].map((v) => valid('cidr', v))).toEqual([false, false, false]);
  expect(['::1', 'fe80::1', '::ffff:10.0.0.1'].map((v) => valid('ipv6', v))).toEqual([true, true, true]);
  expect(['::ffff:010.0.0.1', '1:2:3:4:5:6:7:8:9'].map((v) => valid('ipv6', v))).toEqual([false, false]);
});
