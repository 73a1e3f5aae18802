// The build of Bottleneck that @octokit/plugin-throttling itself loads (no Redis code); its types are the full build's.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export default Bottleneck;
}
