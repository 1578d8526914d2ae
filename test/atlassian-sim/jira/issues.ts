// The few issues of the simulated Jira's DEMO project.
export interface SimIssue {
  id: string;
  key: string;
  summary: string;
  description: string;
  status: string;
  assignee: string | null;
  reporter: string;
  comments: { id: string; author: string; body: string; created: string }[];
}

export function seedIssues(): Map<string, SimIssue> {
  const issues: SimIssue[] = [
    {
      id: '10000',
      key: 'DEMO-1',
      summary: 'Try the API token panel',
      description: 'Open the user menu and create a personal API token.',
      status: 'To Do',
      assignee: 'alice',
      reporter: 'admin',
      comments: [],
    },
    {
      id: '10001',
      key: 'DEMO-2',
      summary: 'Rotate the CI token',
      description: 'The build server still uses a password.',
      status: 'In Progress',
      assignee: 'bob',
      reporter: 'alice',
      comments: [],
    },
  ];
  return new Map(issues.map((issue) => [issue.key, issue]));
}
