import { describe, expect, it } from "vitest";
import { nextActive } from "./active-option";

describe("nextActive", () => {
  it("steps with the arrows and wraps around", () => {
    expect(nextActive("ArrowDown", 0, 3)).toBe(1);
    expect(nextActive("ArrowDown", 2, 3)).toBe(0);
    expect(nextActive("ArrowUp", 0, 3)).toBe(2);
    expect(nextActive("ArrowUp", 2, 3)).toBe(1);
  });
  it("starts from the first (down) or the last (up) when nothing is active", () => {
    expect(nextActive("ArrowDown", -1, 3)).toBe(0);
    expect(nextActive("ArrowUp", -1, 3)).toBe(2);
  });
  it("jumps with Home and End", () => {
    expect(nextActive("Home", 2, 3)).toBe(0);
    expect(nextActive("End", 0, 3)).toBe(2);
  });
  it("lets other keys and empty lists through", () => {
    expect(nextActive("a", 0, 3)).toBeNull();
    expect(nextActive("ArrowDown", -1, 0)).toBeNull();
  });
});
