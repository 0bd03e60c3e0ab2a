import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * The element's inner width (without its scrollbar), read before the first paint and again on every
 * resize, for layouts that place things in pixels. 0 until the element is laid out.
 */
export function useInnerWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
