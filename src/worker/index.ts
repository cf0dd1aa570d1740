export { FrontDoor, frontDoorWorker, frontDoorOptionsFromEnv, FrontDoorConfigError } from "./front-door.js";
export type { FrontDoorEnv, FrontDoorOptions } from "./front-door.js";
