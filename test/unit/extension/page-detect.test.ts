// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import {
  baseUrl,
  isConfluence,
  isDarkTheme,
  isJira,
  isLoggedIn,
  product,
  remoteUser,
} from '../../../extension/content/page-detect.ts';
import { FLAVOURS, parse, savedPage } from './saved-pages.ts';

describe.each(FLAVOURS)('page detection on saved %s pages', (flavour) => {
  const alice = savedPage(flavour, 'alice');
  const anonymousPage = savedPage(flavour, 'anonymous');
  const admin = savedPage(flavour, 'admin');

  it('recognises the product on every page, logged in or not', () => {
    for (const page of [alice, anonymousPage, admin]) {
      const doc = parse(page.html);
      expect(product(doc)).toBe(page.product);
      expect(isJira(doc)).toBe(page.product === 'jira');
      expect(isConfluence(doc)).toBe(page.product === 'confluence');
    }
  });

  it('reads the logged-in user and nobody on anonymous pages (which still carry the menu markup)', () => {
    expect(remoteUser(parse(alice.html))).toBe('alice');
    expect(isLoggedIn(parse(alice.html))).toBe(true);
    expect(remoteUser(parse(admin.html))).toBe('admin');
    const anonymous = parse(anonymousPage.html);
    expect(isLoggedIn(anonymous)).toBe(false);
    expect(remoteUser(anonymous)).toBeNull();
  });

  it('reads the base URL with the context path and no trailing slash', () => {
    expect(baseUrl(parse(alice.html))).toBe(alice.baseUrl);
    expect(baseUrl(parse(anonymousPage.html))).toBe(alice.baseUrl);
  });

  it('sees the dark theme only where the person chose it', () => {
    expect(isDarkTheme(parse(alice.html))).toBe(false);
    if (flavour === 'jira9') expect(isDarkTheme(parse(savedPage(flavour, 'dark').html))).toBe(true);
  });
});

describe('page detection on pages of other products', () => {
  it('recognises neither product on an ordinary page', () => {
    const doc = parse('<!doctype html><html><head><title>x</title></head><body id="main"></body></html>');
    expect(product(doc)).toBeNull();
    expect(isLoggedIn(doc)).toBe(false);
    expect(baseUrl(doc)).toBeNull();
  });
});
