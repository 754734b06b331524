import { styled } from "./styled";

export const Skeleton = styled("div", "skeleton", "animate-pulse rounded-md bg-accent");
