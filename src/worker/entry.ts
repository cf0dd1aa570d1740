// The deployable front door (top-level wrangler.toml). Configuration: README "Front door".
import { frontDoorWorker } from "./front-door.js";

export default frontDoorWorker;
