import type { Schemas } from '../api';
import { formatDateTime } from '../format';
import { Badge } from './badges';
import { TableWrap } from './table-wrap';

export function ConflictsTable({ conflicts }: { conflicts: readonly Schemas['Conflict'][] }) {
  if (conflicts.length === 0) return <p>No conflicts.</p>;
  return (
    <TableWrap label="Conflicts">
      <table>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Video</th>
            <th scope="col">Requested at</th>
            <th scope="col">Reason</th>
            <th scope="col">Resolution</th>
            <th scope="col">Conflicting publication</th>
          </tr>
        </thead>
        <tbody>
          {conflicts.map((c, i) => (
            <tr key={`${c.channel_id}-${c.video_id}-${i}`}>
              <td>{c.channel_id}</td>
              <td>
                <code>{c.video_id}</code>
              </td>
              <td>{formatDateTime(c.requested_at)}</td>
              <td>{c.reason.replace(/_/g, ' ')}</td>
              <td>
                <Badge value={c.resolution} />
              </td>
              <td>
                <code>{c.conflicting_publication_id ?? '—'}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
