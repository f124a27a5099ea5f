// Kubernetes CEL libraries (https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-cel-libraries),
// evaluated in x-kubernetes-validations rules of a hand-written CRD (none of the pinned CRDs uses them).
import { SchemaRegistry, Validator } from '../../lib/core/validation';
import { messages } from './helpers';

function validatorFor(rules: string[]): Validator {
  const reg = SchemaRegistry.empty().register({
    apiVersion: 'example.org/v1', kind: 'Probe',
    schema: {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          'x-kubernetes-validations': rules.map((rule) => ({ rule })),
        },
      },
    },
  });
  return new Validator({ registry: reg });
}

const probe = (spec: Record<string, unknown>) => [{ obj: { apiVersion: 'example.org/v1', kind: 'Probe', metadata: { name: 'p', namespace: 'a' }, spec }, path: 'p' }];

const TRUE_RULES = [
  // lists
  '[1, 2, 3].isSorted()', '![3, 1].isSorted()', '[1, 2, 3].sum() == 6', '[].sum() == 0', '[3, 1, 2].min() == 1', "['a', 'c', 'b'].max() == 'c'",
  '[1, 2, 1].indexOf(1) == 0', '[1, 2, 1].lastIndexOf(1) == 2', '[1].indexOf(5) == -1',
  // regex
  "'abc 123 def 456'.find('[0-9]+') == '123'", "'abc 123 def 456'.findAll('[0-9]+') == ['123', '456']", "'a1b2c3'.findAll('[0-9]', 2) == ['1', '2']", "'abc'.find('[0-9]+') == ''",
  // URL
  "url('https://user@example.com:8443/a/b?x=1&x=2&y=3').getScheme() == 'https'", "url('https://example.com:8443/a').getHost() == 'example.com:8443'",
  "url('https://[::1]:80/').getHostname() == '::1'", "url('https://example.com:8443/a').getPort() == '8443'", "url('https://example.com/a%20b').getEscapedPath() == '/a%20b'",
  "url('https://example.com/?x=1&x=2&y=3').getQuery() == {'x': ['1', '2'], 'y': ['3']}", "isURL('/absolute/path')", "!isURL('relative/path')",
  // IP
  "isIP('10.0.0.1')", "!isIP('10.0.0.256')", "!isIP('::ffff:1.2.3.4')", "ip('10.0.0.1').family() == 4", "ip('fd00::1').family() == 6",
  "ip('127.0.0.1').isLoopback()", "ip('::1').isLoopback()", "ip('0.0.0.0').isUnspecified()", "ip('169.254.1.1').isLinkLocalUnicast()", "ip('fe80::1').isLinkLocalUnicast()",
  "ip('224.0.0.1').isLinkLocalMulticast()", "ip('8.8.8.8').isGlobalUnicast()", "!ip('127.0.0.1').isGlobalUnicast()",
  "ip.isCanonical('2001:db8::1')", "!ip.isCanonical('2001:DB8::1')", "string(ip('2001:db8:0:0:0:0:0:1')) == '2001:db8::1'",
  // CIDR
  "isCIDR('10.0.0.0/8')", "!isCIDR('10.0.0.0/33')", "cidr('10.0.0.0/8').containsIP('10.1.2.3')", "cidr('10.0.0.0/8').containsIP(ip('10.1.2.3'))", "!cidr('10.0.0.0/8').containsIP('11.0.0.1')",
  "cidr('10.0.0.0/8').containsCIDR('10.1.0.0/16')", "!cidr('10.1.0.0/16').containsCIDR('10.0.0.0/8')", "cidr('10.1.2.3/8').masked() == cidr('10.0.0.0/8')",
  "cidr('10.1.2.3/8').prefixLength() == 8", "string(cidr('10.1.2.3/8').ip()) == '10.1.2.3'", "string(cidr('10.1.2.3/8').masked()) == '10.0.0.0/8'",
  // quantity
  "isQuantity('1.5Gi')", "!isQuantity('1.5GB')", "quantity('1Gi').isGreaterThan(quantity('1000Mi'))", "quantity('500m').isLessThan(quantity('1'))",
  "quantity('1Gi').compareTo(quantity('1024Mi')) == 0", "quantity('2').isInteger()", "!quantity('1500m').isInteger()", "quantity('1k').asInteger() == 1000",
  "quantity('1500m').asApproximateFloat() == 1.5", "quantity('-1').sign() == -1", "quantity('1').add(quantity('500m')).compareTo(quantity('1500m')) == 0",
  "quantity('2').sub(1).asInteger() == 1", "quantity('1e3').asInteger() == 1000", "[quantity('1'), quantity('2')].sum().asInteger() == 3",
  // semver
  "isSemver('1.2.3-rc.1+build.5')", "!isSemver('v1.2')", "isSemver('v1.2', true)", "semver('1.2.3').major() == 1", "semver('1.2.3').minor() == 2", "semver('1.2.3').patch() == 3",
  "semver('1.10.0').isGreaterThan(semver('1.9.9'))", "semver('1.0.0-alpha').isLessThan(semver('1.0.0'))", "semver('1.0.0-alpha.1').compareTo(semver('1.0.0-alpha.beta')) == -1",
  "semver('v1.30', true).compareTo(semver('1.30.0')) == 0",
  // format
  "!format.dns1123Label().validate('my-name').hasValue()", "format.dns1123Label().validate('My_Name').hasValue()", "format.dns1035Label().validate('1svc').hasValue()",
  "!format.named('qualifiedName').value().validate('example.com/name').hasValue()", "!format.named('nope').hasValue()", "format.uuid().validate('x').value().size() == 1",
  // the object itself
  "isCIDR(self.cidr) && cidr(self.cidr).containsIP(self.gateway)", "quantity(self.size).isLessThan(quantity('1Ti'))", "semver(self.version).major() >= 1",
];

describe('Kubernetes CEL libraries', () => {
  test('every function evaluates as documented', () => {
    const v = validatorFor(TRUE_RULES);
    expect(messages(v.validate(probe({ cidr: '10.0.0.0/16', gateway: '10.0.0.1', size: '100Gi', version: '1.2.3' })))).toEqual([]);
  });

  test('each of those rules, negated, fails (they really evaluate)', () => {
    const v = validatorFor(TRUE_RULES.map((r) => `!(${r})`));
    expect(messages(v.validate(probe({ cidr: '10.0.0.0/16', gateway: '10.0.0.1', size: '100Gi', version: '1.2.3' })))).toHaveLength(TRUE_RULES.length);
  });

  test('a rule using them fails with its message; bad input is an evaluation error', () => {
    const v = validatorFor(["cidr(self.cidr).containsIP(self.gateway)", "quantity(self.size).isLessThan(quantity('1Ti'))"]);
    expect(messages(v.validate(probe({ cidr: '10.0.0.0/16', gateway: '10.1.0.1', size: '2Ti' })))).toEqual([
      'p: Probe/a/p: spec: failed rule: cidr(self.cidr).containsIP(self.gateway)',
      "p: Probe/a/p: spec: failed rule: quantity(self.size).isLessThan(quantity('1Ti'))",
    ]);
    const bad = messages(v.validate(probe({ cidr: 'nope', gateway: '10.1.0.1', size: '1Gi' })));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^p: Probe\/a\/p: spec: rule could not be evaluated: .*network address parse error during conversion from string: nope/);
  });
});
