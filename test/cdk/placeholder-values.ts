/** What deploy-time values stand in for when a test reads a synthesized template as the running Lambda would. */
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Resolves a template value to a string: pseudo parameters to sample values, Ref/GetAtt of a resource to a
 * lower-case name made from its logical id (valid as a bucket name), Fn::Select to a fixed part, Fn::Join by
 * joining. Anything else throws,
 * so a value the test cannot stand for is never silently replaced.
 */
export function placeholder(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object') {
    const [fn, args]: [string?, unknown?] = Object.entries(value)[0] ?? [];
    if (fn === 'Ref' && typeof args === 'string') return PSEUDO[args] ?? `placeholder-${args.toLowerCase()}`;
    if (fn === 'Fn::GetAtt' && Array.isArray(args)) return `placeholder-${String(args[0]).toLowerCase()}`;
    // A part of an ARN or name (e.g. a load balancer's full name for a metric dimension).
    if (fn === 'Fn::Select') return 'placeholder-part';
    if (fn === 'Fn::Join' && Array.isArray(args)) {
      const [separator, parts] = args as [string, unknown[]];
      return parts.map(placeholder).join(separator);
    }
  }
  throw new Error(`no placeholder for template value ${JSON.stringify(value)}`);
}

/** A Lambda function's environment from a template, with placeholders for deploy-time values. */
export function resolvedEnvironment(properties: { Environment?: { Variables?: Record<string, unknown> } }) {
  return Object.fromEntries(
    Object.entries(properties.Environment?.Variables ?? {}).map(([name, value]) => [
      name,
      placeholder(value),
    ]),
  );
}
