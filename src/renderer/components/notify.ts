import { notifications } from '@mantine/notifications';

const onScreen = new Set<string>();

/**
 * A short notice for what the screen itself does not show (a failure, a queue that ran empty).
 * The same notice again replaces the one on screen and restarts its timer instead of stacking;
 * where notices appear is set once in App (over the navigation's empty foot, covering no control).
 */
export function notify({ color, message }: { color: string; message: string }): void {
  const id = `${color}:${message}`;
  if (onScreen.has(id)) {
    notifications.update({ id, color, message, autoClose: 4000 });
    return;
  }
  onScreen.add(id);
  notifications.show({ id, color, message, autoClose: 4000, onClose: () => onScreen.delete(id) });
}
