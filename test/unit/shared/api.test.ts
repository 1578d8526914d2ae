import { describe, expect, it } from 'vitest';
import { compileAddressList } from '../../../server/authz/client-ip.ts';
import { isAddressOrRange } from '../../../shared/addresses.ts';

const compiles = (entry: string) => {
  try {
    compileAddressList([entry]);
    return true;
  } catch {
    return false;
  }
};

// The API validates address lists with isAddressOrRange (the extension does too, without Node);
// the validation plane compiles them with proxy-addr. Whatever the first accepts, the second must
// compile, or a saved setting fails every later request.
describe('isAddressOrRange', () => {
  it.each([
    '1.2.3.4',
    '10.0.0.0/8',
    '10.0.0.0/08',
    '10.0.0.0/32',
    '0.0.0.0/1',
    '::1',
    '::1/128',
    '::/1',
    '2001:db8::/32',
    '::ffff:10.0.0.1',
    '::FFFF:10.0.0.0/104',
    '0:0:0:0:0:ffff:10.0.0.1',
    '::ffff:0:10.0.0.1',
    '1:2:3:4:5:6:1.2.3.4',
    'fe80::1%eth0',
  ])('accepts %s, which the validation plane compiles', (entry) => {
    expect(isAddressOrRange(entry)).toBe(true);
    expect(compiles(entry)).toBe(true);
  });

  it.each([
    '0.0.0.0/0',
    '::/0',
    '10.0.0.0/000',
    '2001:db8::/00',
    '::1.2.3.4',
    '1::1.2.3.4',
    '64:ff9b::1.2.3.4/120',
    '10.0.0.0/33',
    '::1/129',
    '10.1',
    '010.0.0.1',
    '0x0a.0.0.1',
    '10.0.0.1/',
    '10.0.0.1/-1',
    '10.0.0.0/255.0.0.0',
    '[::1]',
    '',
  ])('refuses %s', (entry) => {
    expect(isAddressOrRange(entry)).toBe(false);
  });
});
