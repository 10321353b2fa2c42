import { Fragment } from 'preact';

/**
 * Names from papers, comma-separated, each in a <bdi>: a direction override inside one name
 * (U+202E, as stored text may hold) then ends with that name, instead of reversing the names
 * and the rest of the line after it; a right-to-left name still reads right to left.
 */
export function NameList({ names }: { names: readonly string[] }) {
  return (
    <>
      {names.map((name, i) => (
        <Fragment key={i}>
          {i > 0 ? ', ' : ''}
          <bdi>{name}</bdi>
        </Fragment>
      ))}
    </>
  );
}
