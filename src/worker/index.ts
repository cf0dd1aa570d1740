export { FrontDoor, frontDoorWorker, frontDoorOptionsFromEnv } from "./front-door.js";
export type { FrontDoorEnv, FrontDoorOptions } from "./front-door.js";
