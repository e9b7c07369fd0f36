// The error every db command throws for input it refuses (a bad org code, an unknown department, no
// permission); callers show its message. Its own module so that every db module can throw it without
// importing the whole-edition write.
export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
