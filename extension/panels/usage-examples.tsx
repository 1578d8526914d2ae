// Below a new secret: how to use it, each line with its own copy button.
import { t } from '../i18n.ts';
import { CopyButton } from './copy-button.tsx';
import { type UsageTarget, usageExamples } from './usage.ts';

export function UsageExamples({ target, secret }: { target: UsageTarget; secret: string }) {
  const examples = usageExamples(target, secret);
  const lines = [
    { id: 'curl-basic', label: t('usageBasic', target.username), text: examples.curlBasic },
    { id: 'curl-bearer', label: t('usageBearer'), text: examples.curlBearer },
    { id: 'python', label: t('usagePython'), text: examples.python },
  ];
  return (
    <div class="usage" data-testid="token-usage">
      <p>{t('usageIntro', examples.restUrl)}</p>
      <dl>
        {lines.map((line) => (
          <div key={line.id} class="usage-line">
            <dt id={`ata-usage-${line.id}`}>{line.label}</dt>
            <dd class="row" style="align-items:center">
              <code class="secret" data-testid={`usage-${line.id}`}>
                {line.text}
              </code>
              <CopyButton text={line.text} label={t('copyLine', line.label)} />
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
