import { Token, type Stack } from 'aws-cdk-lib';

/**
 * cdk-nag 3 acknowledges one finding at a time, and an IAM5 wildcard-resource
 * finding is named after the resource as cdk-nag flattens it:
 * `Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:...:schedule/group/*`.
 * This computes that name from the ARN we grant, so the acknowledgement names
 * exactly the resource granted and nothing broader. Use it for values whose
 * resolved form is final when the construct is built (literals, pseudo
 * parameters, same-stack references): a cross-stack reference is rewritten
 * at synthesis, and an acknowledgement computed from it would not match
 * (cdk-nag would then fail the synth, never pass it silently).
 */
export function wildcardResourceFinding(stack: Stack, resource: string): string {
  return `Resource::${flatten(stack.resolve(resource))}`;
}

/** The same flattening cdk-nag applies to a resolved CloudFormation value (Fn::Join, Ref, Fn::GetAtt, Fn::Sub). */
function flatten(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node !== null && typeof node === 'object') {
    const value = node as Record<string, unknown>;
    if (Array.isArray(value['Fn::Join'])) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if ('Ref' in value) return `<${flatten(value.Ref)}>`;
    if (Array.isArray(value['Fn::GetAtt'])) {
      const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if ('Fn::Sub' in value) return flatten(value['Fn::Sub']);
  }
  throw new Error(`cannot name the cdk-nag finding of ${Token.isUnresolved(node) ? 'an unresolved token' : JSON.stringify(node)}`);
}
