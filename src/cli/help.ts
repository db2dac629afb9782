/** The end of a command's --help (commander's addHelpText('after', ...)): examples as they are typed, one a line. */
export function examples(...commands: string[]): string {
  return `\nExample${commands.length > 1 ? 's' : ''}:\n${commands.map((command) => `  $ ${command}`).join('\n')}`;
}
