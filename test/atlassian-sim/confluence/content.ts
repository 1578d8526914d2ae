// The simulated Confluence's content: one space, two pages.
export interface SimPage {
  id: string;
  space: string;
  title: string;
  body: string;
  version: number;
  author: string;
  created: Date;
}

export function seedPages(): Map<string, SimPage> {
  const created = new Date('2024-06-03T09:00:00.000Z');
  const pages: SimPage[] = [
    {
      id: '65601',
      space: 'DEMO',
      title: 'Home',
      body: '<p>Welcome to the Demo space.</p>',
      version: 1,
      author: 'admin',
      created,
    },
    {
      id: '65602',
      space: 'DEMO',
      title: 'Release notes',
      body: '<p>Nothing released yet.</p>',
      version: 1,
      author: 'alice',
      created,
    },
  ];
  return new Map(pages.map((p) => [p.id, p]));
}
